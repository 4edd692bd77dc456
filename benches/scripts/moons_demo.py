# micrograd's demo.ipynb as a script: the moons data made with math and
# random (sklearn's make_moons recipe), MLP(2, [16, 16, 1]), the SVM
# max-margin loss with L2, SGD with a decaying learning rate.
# The same file runs under CPython with micrograd and under `gradviz run`.
import math
import random
from micrograd.engine import Value
from micrograd.nn import MLP

STEPS = 20

random.seed(1337)


def make_moons(n, noise):
    n_out = n // 2
    n_in = n - n_out
    X, y = [], []
    for i in range(n_out):
        t = math.pi * i / (n_out - 1)
        X.append([math.cos(t) + random.gauss(0, noise), math.sin(t) + random.gauss(0, noise)])
        y.append(-1)
    for i in range(n_in):
        t = math.pi * i / (n_in - 1)
        X.append([1 - math.cos(t) + random.gauss(0, noise), 0.5 - math.sin(t) + random.gauss(0, noise)])
        y.append(1)
    return X, y


X, y = make_moons(100, 0.1)
model = MLP(2, [16, 16, 1])
print(model)
print("number of parameters", len(model.parameters()))


def loss():
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


for k in range(STEPS):
    total_loss, acc = loss()
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    print(f"step {k} loss {total_loss.data}, accuracy {acc * 100}%")
