"""``python -m exhume``: the command line, as the ``exhume`` script runs it."""

from exhume.cli import main

main(prog_name="exhume")
