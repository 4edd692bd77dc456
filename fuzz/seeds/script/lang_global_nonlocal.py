# nested functions with global and nonlocal
from micrograd.engine import Value

step = 0
history = []

def record(v):
    global step
    step += 1
    history.append((step, v.data))

def accumulate(values):
    total = Value(0.0)
    def add(v):
        nonlocal total
        total = total + v
        record(total)
    for v in values:
        add(v)
    return total

def outer():
    x = 'outer'
    def inner():
        nonlocal x
        x = 'inner'
    inner()
    return x

def shadow():
    step = 'local'
    return step

xs = [Value(float(i)) for i in range(1, 5)]
t = accumulate(xs)
print(step, history)
print(t)
print(outer(), shadow(), step)
t.backward()
print([x.grad for x in xs])
