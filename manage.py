#!/usr/bin/env python
import sys

from kindred.cli import main

if __name__ == "__main__":
    sys.exit(main())
