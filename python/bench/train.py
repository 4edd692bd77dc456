"""A training loop under micrograd and under gradviz.Value/gradviz.nn, side
by side in one run: micrograd's demo shape, MLP(2, [16, 16, 1]) on 100
points with the SVM max-margin loss and L2, as its demo notebook.

    python python/bench/train.py [STEPS]
"""

import random
import sys
import time


def points(n=100, seed=1):
    rng = random.Random(seed)
    xs = [[rng.uniform(-1.5, 2.5), rng.uniform(-1, 1.5)] for _ in range(n)]
    ys = [1 if x[1] > 0.5 - 0.5 * x[0] else -1 for x in xs]
    return xs, ys


def run(Value, nn, steps):
    random.seed(1337)
    model = nn.MLP(2, [16, 16, 1])
    xs, ys = points()
    losses = []
    start = time.perf_counter()
    for k in range(steps):
        inputs = [list(map(Value, x)) for x in xs]
        scores = list(map(model, inputs))
        losses_ = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
        data_loss = sum(losses_) * (1.0 / len(losses_))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        losses.append(total.data)
    return (time.perf_counter() - start) / steps, losses


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    import micrograd.engine
    import micrograd.nn
    import gradviz
    import gradviz.nn

    ref, ref_losses = run(micrograd.engine.Value, micrograd.nn, steps)
    mine, losses = run(gradviz.Value, gradviz.nn, steps)
    worst = max(abs(a - b) / max(abs(a), 1e-300) for a, b in zip(losses, ref_losses))
    print(f"micrograd        {ref * 1000:9.1f} ms/step")
    print(f"gradviz.nn       {mine * 1000:9.1f} ms/step   ({ref / mine:.1f}x)")
    print(f"losses agree to  {worst:.1e} (relative); last {losses[-1]!r} vs {ref_losses[-1]!r}")


if __name__ == "__main__":
    main()
