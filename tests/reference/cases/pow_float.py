# a ** 0.5, a ** 2.0 (float exponent printed as Python prints it: '**0.5', '**2.0'), a ** -0.5
from micrograd.engine import Value
a = Value(4.0, label='a')
b = a**0.5
c = a**2.0
d = a**-0.5
e = b * c * d
e.backward()
print(b.data, c.data, d.data, a.grad)
