"""Import the files analysts have: edge lists with an optional node table (CSV, TSV,
Excel) and graph files (GraphML, GEXF, GML, Pajek), with options that say what things are.

``sources`` reads each format into rows, ``build`` turns rows into nodes and ties as the
``options`` say, ``files`` is the use case every surface calls. Kept free of imports here
so that ``services.importer`` can use ``preview`` without a cycle.
"""
