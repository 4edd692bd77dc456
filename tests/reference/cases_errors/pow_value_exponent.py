# a ** b with a Value exponent: micrograd's own assert (the failing line is in micrograd/engine.py)
from micrograd.engine import Value

a = Value(2.0)
b = Value(3.0)
print(a ** 3)
c = a ** b
