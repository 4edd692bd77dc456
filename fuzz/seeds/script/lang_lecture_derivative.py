# lecture "Understanding Derivatives": f(x) = 3*x**2 - 4*x + 5 and numeric slopes with plain floats
# (the notebook's displayed expressions are print()ed; the numpy/matplotlib cells are left out);
# then the same f over a micrograd Value, whose backward() gives f'(3) = 6*3 - 4 = 14
import math
from micrograd.engine import Value

def f(x):
  return 3*x**2 - 4*x + 5

print(f(3.0))

# We can basically evaluate the derivative here numerically by taking a very small h
h = 0.00000001
x = 3.0
print((f(x + h) - f(x)) / h) # the function responds positively

a = 2.0
b = -3.0
c = 10
d = a * b + c
print(d)

h = 0.0001

# inputs
a = 2.0
b = -3.0
c = 10

d1 = a * b + c
a += h
d2 = a * b + c

print('da',d1)
print('d2',d2)
print('slope', (d2 - d1) / h)

# inputs
a = 2.0
b = -3.0
c = 10

d1 = a * b + c
b += h
d2 = a * b + c

print('da',d1)
print('d2',d2)
print('slope', (d2 - d1) / h)

# inputs
a = 2.0
b = -3.0
c = 10

d1 = a * b + c
c += h
d2 = a * b + c

print('da',d1)
print('d2',d2)
print('slope', (d2 - d1) / h)

x = Value(3.0)
y = f(x)
y.backward()
print(y.data, x.grad)
