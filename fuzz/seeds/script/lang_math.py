# math: exp, log, tanh, sqrt, pi, e, isclose, floor, ceil, fabs, inf; a numeric gradient check
import math
from micrograd.engine import Value

print(math.pi, math.e, math.inf, -math.inf)
print(math.exp(1), math.exp(-2.5), math.exp(0), math.log(10), math.log(math.e), math.log(8, 2), math.log(1))
print(math.tanh(0.5), math.tanh(-20.0), math.tanh(0), math.sqrt(2), math.sqrt(16), math.sqrt(0.25))
print(math.isclose(0.1 + 0.2, 0.3), 0.1 + 0.2 == 0.3, math.isclose(1.0, 1.001, rel_tol=1e-2), math.isclose(0.0, 1e-10), math.isclose(0.0, 1e-10, abs_tol=1e-9))
print(math.floor(-2.5), math.ceil(2.1), math.floor(3), math.fabs(-3), type(math.floor(2.5)).__name__, math.isnan(float('nan')), math.isinf(math.inf))
print((math.exp(2 * 0.8813735870195432) - 1) / (math.exp(2 * 0.8813735870195432) + 1), math.tanh(0.8813735870195432))

def f(x):
    return (x * 2).tanh() + x ** 2 + (x * -1).exp()

x = Value(0.7)
y = f(x)
y.backward()
h = 1e-6
num = (f(Value(0.7 + h)).data - f(Value(0.7 - h)).data) / (2 * h)
print(f'{y.data:.12f} {x.grad:.6f} {num:.6f}', math.isclose(x.grad, num, rel_tol=1e-6))
