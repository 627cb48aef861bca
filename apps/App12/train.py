"""Setup step: fit y = w*x + b on seeded synthetic data with torch and save the state dict as
model/linear.pt (stands in for the original's TensorFlow checkpoint)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)
x = torch.linspace(-2.0, 2.0, 200).unsqueeze(1)
y = 3.5 * x - 1.25 + 0.3 * torch.randn_like(x)
model = torch.nn.Linear(1, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
for _ in range(400):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
os.makedirs("model", exist_ok=True)
torch.save({"state_dict": model.state_dict(), "residual_std": float((model(x) - y).std())}, os.path.join("model", "linear.pt"))
print("fitted w=%.4f b=%.4f loss=%.4f" % (model.weight.item(), model.bias.item(), loss.item()))
