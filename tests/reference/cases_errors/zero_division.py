# ZeroDivisionError two calls deep
def ratio(a, b):
    return a / b

def normalise(xs):
    total = sum(xs)
    out = []
    for x in xs:
        out.append(ratio(x, total))
    return out

print(normalise([1.0, 3.0]))
print(normalise([1.0, -1.0]))
