# sum over Values: the int 0 start (a Value(0) leaf via __radd__), a Value start, generators
from micrograd.engine import Value

vals = [Value(1.0), Value(2.0), Value(3.0)]
s0 = sum(vals)                  # 0 + vals[0] -> vals[0].__radd__(0)
s1 = sum(vals, Value(0))
s2 = sum((v * v for v in vals), Value(10.0))
s3 = sum([], Value(7.0))
s4 = sum([])
s5 = sum([0.1] * 10)
s6 = sum([1, 2, 3], 10)
print(s0, s1, s2, s3, s4, s5, s6)
print(s3 is not None, len(s0._prev), len(s2._prev))
b = Value(0.5)
act = sum((w * x for w, x in zip(vals, [2.0, -1.0, 0.5])), b)
print(act)
s0.backward()
print([v.grad for v in vals])
act.backward()
print([v.grad for v in vals], b.grad)
loss = s0 + s1 + s2 + s3 + act
loss.backward()
