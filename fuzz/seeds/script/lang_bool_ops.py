# and/or/not return operands; a Value is always truthy; chained comparisons; identity vs equality
from micrograd.engine import Value

x = Value(0.0)
y = Value(2.0)
print(x or y)          # a Value has no __bool__: x is truthy even with data 0.0
print((x and y) is y, not x, bool(x))
print(0 or 'default', '' or [] or None, 1 and 'yes', 0 and 'no', None or 0.0, [] and 1)
print(1 < 2 < 3, 3 > 2 > 2, 1 == 1.0 < 2, 0 <= x.data < y.data <= 2, 1 < 3 > 2, 2 != 2.0)
a, b = 5, 3
print(a > b and 'a' or 'b', not a, not 0, not '', not [1], not None)
print(x == x, x == Value(0.0), x != Value(0.0), x is x, x is not y, x.data == 0, x.data == -0.0)
print(True + True, True * 3, 1 == True, 2 == True, None is None, [] == [], 'a' < 'b', 'B' < 'a')
z = y if y.data > x.data else x
w = (z * 2 if z is y else z) + (x or y)
print(w.data)
calls = []

def check(v, name):
    calls.append(name)
    return v

print(check(0, 'a') and check(1, 'b'), check(1, 'c') or check(0, 'd'), calls)
print(1 if [] else 2, 'yes' if 'no' else 'never')
w.backward()
print(x.grad, y.grad)
