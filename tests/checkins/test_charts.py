import re

from django.template.loader import render_to_string

from checkins.charts import Line, trend_chart


def chart_of(*lines: Line, rounds: int | None = None, question: str = "How close did you feel?"):
    count = rounds if rounds is not None else len(lines[0].values)
    return trend_chart(
        question=question,
        low_label="Far apart",
        high_label="Very close",
        round_labels=[f"Week {n}" for n in range(1, count + 1)],
        lines=list(lines),
    )


def render(chart) -> str:
    return render_to_string("checkins/_trend_chart.html", {"chart": chart})


def test_ten_is_drawn_above_one():
    chart = chart_of(Line("Alice", (1, 10)))
    low, high = chart.lines[0].points

    assert high.y < low.y
    assert high.y == min(g.y for g in chart.gridlines)
    assert low.y == max(g.y for g in chart.gridlines)


def test_rounds_are_spaced_left_to_right_oldest_first():
    chart = chart_of(Line("Alice", (3, 4, 5, 6)))
    xs = [p.x for p in chart.lines[0].points]

    assert xs == sorted(xs)
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert max(gaps) - min(gaps) <= 0.2  # equal, but for rounding to a tenth
    assert [p.round_label for p in chart.lines[0].points] == ["Week 1", "Week 2", "Week 3", "Week 4"]


def test_each_line_has_its_own_style():
    chart = chart_of(Line("Alice", (3, 4)), Line("Bob", (5, 6)))

    assert [line.style for line in chart.lines] == [0, 1]


def test_a_missing_number_breaks_the_line_and_has_no_point():
    chart = chart_of(Line("Alice", (3, 4, None, 6, 7)))
    line = chart.lines[0]

    assert len(line.segments) == 2
    assert [len(s.split()) for s in line.segments] == [2, 2]
    assert [p.value for p in line.points] == [3, 4, 6, 7]
    assert "Week 3" not in [p.round_label for p in line.points]


def test_a_number_alone_between_gaps_is_a_point_without_a_segment():
    chart = chart_of(Line("Alice", (None, 5, None)))

    assert chart.lines[0].segments == ()
    assert [p.value for p in chart.lines[0].points] == [5]


def test_one_round_is_a_point_and_no_segment():
    chart = chart_of(Line("Alice", (7,)), Line("Bob", (4,)))

    assert all(line.segments == () for line in chart.lines)
    assert [len(line.points) for line in chart.lines] == [1, 1]
    assert chart.left < chart.lines[0].points[0].x < chart.right


def test_no_rounds_draws_no_lines():
    chart = chart_of(Line("Alice", ()), Line("Bob", ()), rounds=0)

    assert all(line.segments == () and line.points == () for line in chart.lines)
    assert chart.x_labels == ()
    assert chart.rows == ()
    assert 'role="img"' in render(chart)


def test_twenty_rounds_get_at_most_six_x_labels_first_and_last_included():
    chart = chart_of(Line("Alice", tuple(range(1, 11)) * 2))
    texts = [label.text for label in chart.x_labels]

    assert len(texts) <= 6
    assert texts[0] == "Week 1"
    assert texts[-1] == "Week 20"
    assert len(set(texts)) == len(texts)


def test_x_labels_never_crowd_each_other():
    for rounds in range(2, 40):
        xs = [label.x for label in chart_of(Line("Alice", (5,) * rounds)).x_labels]

        assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= (xs[-1] - xs[0]) / 4 - 0.1, rounds


def test_a_few_rounds_are_all_labelled():
    chart = chart_of(Line("Alice", (1, 2, 3)))

    assert [label.text for label in chart.x_labels] == ["Week 1", "Week 2", "Week 3"]


def test_gridlines_label_one_five_and_ten():
    chart = chart_of(Line("Alice", (1, 2)))

    assert [g.value for g in chart.gridlines if g.labelled] == [1, 5, 10]


def test_two_charts_of_different_questions_have_different_keys():
    one = chart_of(Line("Alice", (1, 2)), question="How close?")
    other = chart_of(Line("Alice", (1, 2)), question="How heard?")

    assert one.key != other.key


def test_the_rendered_chart_has_a_table_of_every_number():
    html = render(chart_of(Line("Alice", (3, None, 8)), Line("Bob", (9, 6, None))))
    table = html[html.index("<table") : html.index("</table>")]
    cells = re.findall(r"<td>(.*?)</td>", table)

    assert cells == ["3", "9", "—", "6", "8", "—"]
    assert '<th scope="col">Alice</th>' in table
    assert '<th scope="col">Bob</th>' in table
    assert '<th scope="row">Week 2</th>' in table


def test_the_rendered_chart_is_one_labelled_image():
    chart = chart_of(Line("Alice", (3, 4)), Line("Bob", (5, 6)))
    html = render(chart)

    assert html.count("<svg") - html.count('aria-hidden="true"') == 1
    assert html.count('role="img"') == 1
    assert f'aria-labelledby="{chart.key}-title"' in html
    assert f'<title id="{chart.key}-title">' in html
    assert "1 = Far apart, 10 = Very close" in html
    assert "solid line, dots" in html
    assert "dashed line, open diamonds" in html


def test_names_and_labels_are_escaped():
    html = render(chart_of(Line("<b>Alice</b>", (3, 4)), Line("Bob", (5, 6)), question="<i>Close?</i>"))

    assert "<b>" not in html
    assert "&lt;b&gt;Alice&lt;/b&gt;" in html
    assert "<i>" not in html
