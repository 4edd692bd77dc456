# -a  ->  a * Value(-1)   (int -1 leaf)
from micrograd.engine import Value
a = Value(3.0, label='a')
b = -a
b.backward()
print(b.data, a.grad)
print(b)
