"""tray-ext benchmarks: the price of the layer, the import's throughput and memory, start-up.

Run them all with ``.venv/bin/python -m benchmarks`` (see ``benchmarks/README.md``). They print a
table and write ``benchmarks/RESULTS.md``. They are not tests: they report and never fail the test
command (pytest does not collect this package; ``testpaths`` is ``tests``).

One module per section (``s1_overhead`` ... ``s5_startup``); ``timing`` holds the statistics,
``servers`` the emulator and stub processes, ``seeding`` the data, ``report`` the table and file.
"""
