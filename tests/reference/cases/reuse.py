# lecture's "the problem" (reuse): a=-2, b=3, d=a*b, e=a+b, f=d*e
from micrograd.engine import Value
a = Value(-2.0, label='a')
b = Value(3.0, label='b')
d = a * b; d.label = 'd'
e = a + b; e.label = 'e'
f = d * e; f.label = 'f'
f.backward()
print(a.grad, b.grad)
