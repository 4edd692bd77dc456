# backward does not zero grads: calling it twice accumulates (root grad is reset to 1)
from micrograd.engine import Value
a = Value(2.0, label='a')
b = a * 3
b.backward()
print(a.grad)
b.backward()
print(a.grad, b.grad)
