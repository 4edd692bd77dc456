# lists: append/extend/insert/pop/index, slicing, negative indices, list*int, item assignment, del
from micrograd.engine import Value

xs = [Value(1.0), Value(2.0)]
xs.append(Value(3.0))
xs.extend([Value(4.0), Value(5.0)])
xs.insert(0, Value(0.5))
last = xs.pop()
first = xs.pop(0)
print(len(xs), last, first)
print([v.data for v in xs])
print(xs[-1].data, xs[-2].data, [v.data for v in xs[1:3]], [v.data for v in xs[::-1]], [v.data for v in xs[::2]])
print(xs.index(xs[2]), xs[2] in xs, Value(3.0) in xs)
nums = [3, 1, 2] * 2
print(nums, nums[1:-1], nums[-3:], nums[:100], nums[5:2], nums[-100:2])
print([0.0] * 3, [] * 5, 2 * ['a'], [1, 2] + [3])
nums[1] = 10
nums[-1] += 5
print(nums, 10 in nums, 7 not in nums, nums.count(3), nums.index(3), nums.index(3, 1))
nums.reverse()
print(nums)
nums.sort()
print(nums)
nums.insert(-1, 99)
nums.insert(100, -1)
print(nums)
del nums[0]
del nums[-1]
print(nums, nums.pop(-2), nums)
matrix = [[0] * 2 for _ in range(2)]
matrix[0][1] = 7
print(matrix)
alias = [[0] * 2] * 2
alias[0][1] = 7
print(alias)
ys = list(xs)
ys.append(Value(9.0))
print(len(xs), len(ys), ys[0] is xs[0])
y = sum(xs[1:], xs[0])
print(y)
y.backward()
print([v.grad for v in xs])
