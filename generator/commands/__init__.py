"""Layer 5, commands: one module per command of ``python -m generator``; argparse lives only here."""
