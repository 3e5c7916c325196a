"""Filling an index from files: the index path as stages.

``read`` lists and reads the files (through ``search.ingest``, web pages
extracted in the run's pool), the entity step (``search.entities.ner``)
names persons, places and organisations, ``fields`` turns an article into
Whoosh values and its content hash, ``update`` writes what changed, and
``run`` is the policy every shell shares (processes, cluster, rebuild).
``executor``, ``processes`` and ``cluster`` are where the batch work runs;
``snapshot`` copies a built index; ``extract`` runs the stages without an
index (``cerca extract``).
"""

from search.indexing.read import count_units
from search.indexing.run import index_paths
from search.indexing.update import IndexReport, update_index

__all__ = ["IndexReport", "count_units", "index_paths", "update_index"]
