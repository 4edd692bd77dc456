# TypeError: micrograd's Value has no ordering (compare .data instead)
from micrograd.engine import Value

a = Value(1.0)
b = Value(2.0)
print(a.data < b.data)
print(a < b)
