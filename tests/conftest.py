import os
import sys

# Tests import the repository's packages whether or not it is pip-installed.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
