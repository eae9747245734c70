"""python -m crimjust_graph"""

from __future__ import annotations

from crimjust_graph.cli import main

main()
