# A value used twice: its gradient must accumulate (the lecture's bug fix).
from micrograd.engine import Value

a = Value(3.0, label='a')
b = a + a; b.label = 'b'
b.backward()
print(a.grad)  # 2
