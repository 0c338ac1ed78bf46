"""The fab files shipped with fabnet (``fabnet fab plan NAME``), with their tables."""
