"""A teacher's large lesson is checked in time linear in its size, with exact line numbers."""

import time

from probe import run_tutor

from tutor.lessons import check

STEP = """## Step {i}

Some prose about step {i}, with a [[overfitting]] link.

```experiment
name: run{i}
dataset: moons
samples: 200
epochs: 3
lr: 0.01
expect:
  any: [healthy]
```

```quiz
question: What happens at step {i}?
choices:
  - text: It trains
    correct: true
    feedback: Yes.
  - text: It does not
    feedback: It does.
```
"""


def lesson(steps: int, broken: int | None = None) -> str:
    head = "---\nid: big\nlang: en\ntitle: A big lesson\ntopics: [training]\n---\n\n# A big lesson\n\n"
    body = "".join(STEP.format(i=i) for i in range(steps))
    if broken is not None:
        body = body.replace(f"name: run{broken}\ndataset: moons", f"name: run{broken}\ndataset: marbles")
    return head + body


def test_two_thousand_steps_are_checked_in_under_two_seconds(tmp_path):
    folder = tmp_path / "lessons" / "en"
    folder.mkdir(parents=True)
    (folder / "big.md").write_text(lesson(2000, broken=1999))
    start = time.process_time()  # CPU time: what the check costs, however busy the machine is
    [problem] = check(tmp_path / "lessons")
    seconds = time.process_time() - start
    line = int(problem.split(":")[1])
    assert "marbles" in problem and (folder / "big.md").read_text().splitlines()[line - 1] == "dataset: marbles"
    assert seconds < 2.0, seconds


def test_the_check_through_the_cli_names_the_exact_line(tmp_path):
    folder = tmp_path / "lessons" / "en"
    folder.mkdir(parents=True)
    (folder / "big.md").write_text(lesson(300, broken=299))
    done = run_tutor("lessons", "check", str(tmp_path / "lessons"))
    [problem] = done.stderr.strip().splitlines()
    line = (folder / "big.md").read_text().splitlines().index("dataset: marbles") + 1
    assert done.returncode == 1 and problem.startswith(f"{folder / 'big.md'}:{line}: ")
