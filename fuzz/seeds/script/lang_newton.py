# a while loop that uses backward() for its derivative: Newton's method for sqrt(2)
from micrograd.engine import Value

def f(x):
    return x * x - 2.0

x = Value(1.0)
it = 0
while True:
    y = f(x)
    y.backward()
    print(f'{it}: x = {x.data:.15f}  f(x) = {y.data: .3e}  df/dx = {x.grad:.6f}')
    if abs(y.data) < 1e-12 or it >= 10:
        break
    x = Value(x.data - y.data / x.grad)
    it += 1
print(it, x.data, x.data ** 2)
