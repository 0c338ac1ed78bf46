"""``python -m fabnet.cli`` runs the command line (as ``python -m fabnet``)."""

from fabnet.cli import main

main()
