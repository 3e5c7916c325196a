"""The ``cerca`` command, a shell over the ``search`` core like ``webapp``."""
