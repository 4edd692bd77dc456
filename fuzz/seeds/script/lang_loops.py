# for / while with break and continue, nested loops, the loop variable after the loop
from micrograd.engine import Value

acc = Value(0.0)
for i in range(10):
    if i % 3 == 0:
        continue
    if i > 7:
        break
    acc = acc + i
print(acc)
n = 0
v = Value(1.0)
while v.data < 100:
    v = v * 3
    n += 1
print(n, v)
total = 0
i = 10
while True:
    i -= 3
    if i < 0:
        break
    total += i
print(i, total)
for i, ch in enumerate('abc'):
    for j in range(3):
        if j == i:
            break
        print(i, j, ch, end='; ')
print()
for k in range(3):
    pass
print('k after the loop:', k)
count = 0
while count < 3:
    count += 1
print(count)
acc.backward()
print(acc.grad, v.grad)
