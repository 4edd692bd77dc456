# if / elif / else and conditional expressions choosing Values
from micrograd.engine import Value

def activate(v, kind):
    if kind == 'relu':
        out = v.relu()
    elif kind == 'tanh':
        out = v.tanh()
    elif kind == 'linear':
        out = v
    else:
        out = v * 0.01 if v.data < 0 else v
    return out

def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    return 0

x = Value(-0.8)
outs = [activate(x, k) for k in ['relu', 'tanh', 'linear', 'leaky']]
print([round(o.data, 6) for o in outs])
print([sign(o.data) for o in outs], sign(0.0), outs[2] is x)
if outs[0].data:
    print('relu is nonzero')
elif not outs[0].data:
    print('relu is zero:', outs[0].data)
y = outs[0] + outs[1] + outs[3]
y.backward()
print(x.grad)
print('small' if abs(x.data) < 1 else 'big', 'neg' if x.data < 0 else 'pos' if x.data > 0 else 'zero')
