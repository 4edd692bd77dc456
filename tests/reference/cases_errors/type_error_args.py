# TypeError: a function called with the wrong number of arguments
from micrograd.engine import Value

def neuron(x, w, b):
    return x * w + b

print(neuron(Value(1.0), Value(2.0), Value(0.5)))
print(neuron(Value(1.0), Value(2.0)))
