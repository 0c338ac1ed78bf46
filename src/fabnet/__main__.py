"""``python -m fabnet`` runs the command line."""

from fabnet.cli import main

main()
