"""The breaking-change gate: what a regeneration changes for the teams that depend on tray-ext.

Three layers are compared with the committed baseline in api/ (the last released contract):
the GraphQL schema (graphql-core), the REST spec (rest.py, a small rule-per-test classifier) and
the Python public API of tray_ext (griffe). Only scripts/ imports this; the runtime never does.
"""
