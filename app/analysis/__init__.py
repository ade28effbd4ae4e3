"""The analysis as people see it, on the server and in the browser alike: the payload
(``payload``), the partials that render it (``render``) and the messages for files the
kernel refuses (``errors``). These modules import the kernel, msgspec and Jinja2 only, so
the browser's bundle (scripts/build_wasm.py) carries them unchanged."""
