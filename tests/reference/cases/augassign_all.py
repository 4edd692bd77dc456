# += -= *= /= with values and numbers
from micrograd.engine import Value
x = Value(2.0, label='x')
y = Value(3.0, label='y')
z = x * y
z += x
z -= 1
z *= y
z /= 2.0
z -= x
z *= 2
z /= y
z += 1
z.backward()
print(f'{z.data:.4f} {x.grad:.4f} {y.grad:.4f}')
