"""Rebuild the synthetic datasets: ``python -m marketing_kit.synthetic [DIRECTORY]``."""

import sys

from marketing_kit.synthetic import write_all

if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "datasets"
    for written in write_all(target):
        print(written)
