# a / 3  ->  a * (3 ** -1)  ->  a * Value(0.3333333333333333)   (int ** negative int is a float in Python)
# a / 2  ->  a * Value(0.5)
from micrograd.engine import Value
a = Value(6.0, label='a')
b = a / 3
c = b / 2
c.backward()
print(b.data, c.data, a.grad)
