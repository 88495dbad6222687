"""``python -m index.e5onnx prepare [--variant …]``: prepare the ONNX models explicitly."""
import sys

from index.e5onnx.prepare import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] != "prepare":
        print("usage: python -m index.e5onnx prepare [--variant e5-q4|e5-int8|all] [--force]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(args[1:]))
