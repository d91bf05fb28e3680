using System.Globalization;
using System.Text;

namespace Gemma4.Rag;

/// <summary>Writes the --demo document set: 20 short notes of a made-up bike shop, one long enough to be chunked.</summary>
internal static class DemoDocuments
{
    private static readonly (string File, string Title, string Body)[] Notes =
    [
        ("returns.md", "Returns", "Bikes can be returned within 30 days with the receipt. Helmets and worn clothing cannot be returned."),
        ("warranty.md", "Warranty", "Frames carry a lifetime warranty for the first owner. Components are covered for two years."),
        ("shipping.txt", "Shipping", "Orders ship within two working days. Delivery takes three to five days inside the country."),
        ("opening-hours.md", "Opening hours", "The shop is open Monday to Saturday from 9:00 to 18:00 and closed on Sundays."),
        ("repairs.md", "Repairs", "A standard service costs 60 euros and takes two days. Flat tyres are fixed while you wait."),
        ("rentals.md", "Rentals", "City bikes rent for 15 euros a day; e-bikes for 35 euros. A deposit of 200 euros is held."),
        ("e-bikes.md", "E-bikes", "Batteries last about 80 kilometres. A full charge takes four hours. Spare batteries cost 450 euros."),
        ("kids.txt", "Children's bikes", "Balance bikes suit ages two to four. Trade-in gives 40 percent back when a child outgrows a bike."),
        ("payment.md", "Payment", "We accept cards, bank transfer and cash. Instalments over 12 months are free of interest."),
        ("gift-cards.md", "Gift cards", "Gift cards are valid for three years and can be used online and in the shop."),
        ("fitting.md", "Bike fitting", "A professional fitting takes 90 minutes and costs 120 euros, refunded when you buy a road bike."),
        ("security.txt", "Locks and theft", "We recommend a D-lock and registering the frame number. Insurance costs 8 percent of the price a year."),
        ("tours.md", "Guided tours", "Guided tours leave at 10:00 on Saturdays, cover 40 kilometres and include lunch."),
        ("loyalty.md", "Loyalty programme", "Members collect one point per euro; 500 points give a free service."),
        ("parts.md", "Spare parts", "Common parts are in stock. Special orders arrive within ten days."),
        ("commuting.txt", "Commuting", "Employers can lease bikes for staff; the lease runs 36 months and includes maintenance."),
        ("winter.md", "Winter care", "Clean the chain weekly in winter, use studded tyres on ice and store batteries indoors."),
        ("contact.md", "Contact", "Call 0123 456 789 or write to help@bike-shop.example. We answer within one working day."),
        ("sustainability.md", "Sustainability", "Old tyres and tubes are recycled. Packaging is made from recycled cardboard."),
    ];

    /// <summary>Writes the documents into <paramref name="folder"/> and returns how many there are.</summary>
    public static int Write(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (file, title, body) in Notes)
        {
            File.WriteAllText(Path.Combine(folder, file), $"# {title}\n\n{body}\n");
        }

        File.WriteAllText(Path.Combine(folder, "handbook.md"), Handbook());
        return Notes.Length + 1;
    }

    /// <summary>A staff handbook of 12 sections: longer than the demo's embedding window, so it is chunked.</summary>
    private static string Handbook()
    {
        var text = new StringBuilder("# Staff handbook\n\n");
        string[] topics = ["opening the shop", "the till", "bike checks", "test rides", "repairs intake", "rentals",
            "phone calls", "deliveries", "stock counts", "safety", "cleaning", "closing the shop"];
        for (var i = 0; i < topics.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"## {i + 1}. {char.ToUpperInvariant(topics[i][0])}{topics[i][1..]}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"When it comes to {topics[i]}, follow the checklist on the wall. ");
            text.Append("Write down anything unusual in the shop log, and tell the manager before the end of the day. ");
            text.Append("Ask a colleague when in doubt; nobody expects you to know everything in your first month.\n\n");
        }

        return text.ToString();
    }
}
