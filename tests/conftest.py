import sys
from pathlib import Path

# tests/rulegen.py is a helper module shared by several test files.
sys.path.insert(0, str(Path(__file__).parent))
