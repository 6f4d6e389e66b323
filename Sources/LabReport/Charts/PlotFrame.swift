/// The frame of a study's line plot (`crossover.svg`, `scale.svg`): its size, the plot area,
/// a title and the two axes; the study draws the rest.
struct PlotFrame {
    let height: Double
    let right: Double
    let width = 720.0
    let left = 70.0
    let top = 40.0
    let bottom = 60.0
    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    /// The opening of the SVG: background, title and axes.
    func opening(title: String) -> String {
        func number(_ value: Double) -> String { SvgChart.number(value) }
        var text = SvgChart.opening(width: width, height: height)
        text += "<text x=\"\(number(left))\" y=\"22\" font-weight=\"bold\">\(SvgChart.escape(title))</text>\n"
        text +=
            "<line x1=\"\(number(left))\" y1=\"\(number(top + plotHeight))\" x2=\"\(number(left + plotWidth))\" "
            + "y2=\"\(number(top + plotHeight))\" stroke=\"#000000\"/>\n"
        text +=
            "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" "
            + "y2=\"\(number(top + plotHeight))\" stroke=\"#000000\"/>\n"
        return text
    }
}
