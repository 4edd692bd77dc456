# micrograd.nn MLP(2, [16, 16, 1]) after random.seed(1337): its repr, parameter count, one forward/backward
import random
from micrograd import nn
from micrograd.engine import Value

random.seed(1337)
model = nn.MLP(2, [16, 16, 1])
print(model)
print(len(model.parameters()))
print("number of parameters", len(model.parameters()))
print(model.layers[0].neurons[0], model.layers[2].neurons[0], len(model.layers), [len(l.neurons) for l in model.layers])
print(model.layers[0].neurons[0].w, model.layers[2].neurons[0].b)
x = [Value(2.0), Value(-1.0)]
score = model(x)
print(f'{score.data:.12f}')
model.zero_grad()
score.backward()
print(sum(1 for p in model.parameters() if p.grad != 0), len(score._prev), score._op)
model.zero_grad()
print(all(p.grad == 0 for p in model.parameters()))
