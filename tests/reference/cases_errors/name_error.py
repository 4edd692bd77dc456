# NameError inside a function (a misspelt name)
def loss(pred, target):
    diff = pred - target
    return dif ** 2

print('start')
print(loss(3.0, 1.0))
