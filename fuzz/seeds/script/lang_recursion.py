# recursion: fast power by squaring over a Value, factorial, a tanh chain
from micrograd.engine import Value

def power(v, n):
    if n == 0:
        return Value(1.0)
    half = power(v, n // 2)
    sq = half * half
    if n % 2 == 1:
        sq = sq * v
    return sq

def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)

def chain(v, depth):
    if depth == 0:
        return v
    return chain(v.tanh(), depth - 1)

def depth_of(v):
    return 0 if not v._prev else 1 + max(depth_of(c) for c in v._prev)

x = Value(1.1)
p = power(x, 5)
print(p.data, fact(10), fact(20))
y = chain(x, 4)
print(f'{y.data:.12f}', depth_of(y), depth_of(p))
z = p + y
z.backward()
print(f'{x.grad:.10f}')
