"""Natural-language side of councilkg: reading, segmenting, tables, extraction, resolution.

Nothing in this package knows about RDF; it produces plain typed records.
"""
