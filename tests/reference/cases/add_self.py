# a + a: one node, two edges (operand 0 and 1); gradients accumulate to 2
from micrograd.engine import Value
a = Value(3.0, label='a')
b = a + a
b.backward()
print(a.grad)
