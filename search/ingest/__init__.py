"""Reading inputs into Articles: file formats, page furniture, dates."""
