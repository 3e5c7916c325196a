"""Writes the saved-page fixtures in this folder (run once; the output is committed).

Each page wraps an invented Italian article in the furniture news sites
add (menu, cookie banner, related links, comments, footer); the tests check
that article words are found and furniture words are not.
"""

from pathlib import Path

HERE = Path(__file__).parent
MENU = """<header class="site-header"><a class="logo" href="/">{site}</a>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/politica/">Politica</a></li>
<li><a href="/oroscopo/">Oroscopo</a></li><li><a href="/motori/">Motori</a></li>
<li><a href="/meteo/">Meteo</a></li></ul></nav></header>
<div id="cookie-banner" class="cookie-consent"><p>Questo sito utilizza cookie di profilazione
per offrirti pubblicità personalizzata. Proseguendo nella navigazione acconsenti all'uso dei
cookie.</p><button>Accetta tutti</button><button>Rifiuta</button></div>
"""
TAIL = """<aside class="related"><h3>Potrebbe interessarti</h3><ul>
<li><a href="/sport/calciomercato-ultime">Calciomercato, tutte le trattative di gennaio</a></li>
<li><a href="/oroscopo/settimana">L'oroscopo della settimana segno per segno</a></li></ul></aside>
<section id="comments" class="comments"><h3>Commenti</h3>
<div class="comment"><p class="comment-author">giuseppe77</p><p>Finalmente una buona notizia,
complimenti a tutti quanti.</p></div></section>
<footer class="site-footer"><p>© 2024 {site} S.r.l. - P.IVA 01234567890 - Tutti i diritti
riservati</p><ul><li><a href="/privacy">Privacy</a></li><li><a href="/contatti">Contatti</a></li>
</ul></footer>
"""


def page(head: str, title: str, paragraphs: list[str], site: str, extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="it"><head>{head}</head><body>
{MENU.format(site=site)}
<main><article class="post"><h1>{title}</h1>
<p class="byline">di Giulia Ferri</p>
{body}{extra}</article></main>
{TAIL.format(site=site)}
</body></html>
"""


VIADOTTO = [
    "Il viadotto sull'Adige tra Verona e San Giovanni Lupatoto è stato riaperto al traffico "
    "questa mattina, dopo tre anni di cantiere e una spesa di quasi ventidue milioni di euro.",
    "La struttura, chiusa nel 2021 per le crepe scoperte nei piloni centrali, è stata rinforzata "
    "con nuove travi in acciaio e un impalcato più leggero. I tecnici della Provincia hanno "
    "collaudato ogni campata con camion carichi di ghiaia.",
    "«È una giornata attesa da migliaia di pendolari», ha detto il presidente della Provincia "
    "durante la cerimonia. Negli ultimi tre anni chi lavorava in città ha dovuto allungare il "
    "tragitto di venti minuti.",
    "Restano da completare le piste ciclabili ai lati del ponte, che saranno pronte entro "
    "l'estate secondo il cronoprogramma dell'impresa.",
]
MERCATO = [
    "A Chioggia l'asta del mercato ittico torna all'alba: da lunedì le contrattazioni "
    "cominceranno alle cinque, un'ora prima di quanto è accaduto negli ultimi due anni.",
    "La decisione è arrivata dopo le proteste dei pescatori, che lamentavano prezzi più bassi "
    "per il pesce venduto a metà mattina, quando i grossisti di Padova e Treviso sono già "
    "ripartiti.",
    "Il consorzio che gestisce il mercato ha calcolato che l'anticipo varrà quasi un milione di "
    "euro l'anno in più per le cooperative. Le vongole e le seppie restano le specie più "
    "richieste.",
    "Gli operatori chiedono ora al Comune di prolungare l'orario dei parcheggi vicini alla "
    "banchina, oggi chiusi fino alle sei.",
]
VAPORETTO = [
    "Dal primo agosto il biglietto singolo del vaporetto costerà 9,50 €, cinquanta centesimi in "
    "più di oggi. Lo ha deciso l'azienda dei trasporti, che cita l'aumento del gasolio.",
    "Per i residenti non cambia nulla: l'abbonamento mensile resta a trentacinque euro e la "
    "tessera continuerà a valere su tutte le linee della laguna, comprese quelle per le isole.",
    "Le associazioni dei consumatori giudicano il rincaro eccessivo perché arriva nel pieno "
    "della stagione turistica, quando i battelli sono già affollati e le corse saltano più "
    "spesso.",
]


def main() -> None:
    # UTF-8; Open Graph, a canonical link, the publication time; a list and a table.
    head = """<meta charset="utf-8">
<title>Viadotto sull'Adige riaperto dopo tre anni | Corriere del Nord</title>
<link rel="canonical" href="https://www.corrieredelnord.example/cronaca/2024/03/12/viadotto">
<meta property="og:title" content="Viadotto sull'Adige riaperto dopo tre anni">
<meta property="og:site_name" content="Corriere del Nord">
<meta property="article:published_time" content="2024-03-12T09:30:00+01:00">
<meta name="author" content="Giulia Ferri">"""
    extra = ("<ul><li>Lunghezza: 420 metri</li><li>Campate: sette</li></ul>"
             "<table><tr><td>Costo previsto</td><td>18 milioni</td></tr>"
             "<tr><td>Costo finale</td><td>22 milioni</td></tr></table>")
    (HERE / "viadotto.html").write_text(
        page(head, "Viadotto sull'Adige riaperto dopo tre anni", VIADOTTO,
             "Corriere del Nord", extra), encoding="utf-8")
    # latin-1, declared by http-equiv; the date in JSON-LD; og:url.
    head = """<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Mercato del pesce, a Chioggia l'asta torna all'alba</title>
<meta property="og:url" content="https://www.gazzettalagunare.example/economia/mercato-pesce">
<meta property="og:site_name" content="Gazzetta Lagunare">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Mercato del pesce, a Chioggia l'asta torna all'alba",
"datePublished": "2023-11-05", "author": {"@type": "Person", "name": "Paolo Zennaro"}}</script>"""
    (HERE / "mercato-latin1.htm").write_bytes(
        page(head, "Mercato del pesce, a Chioggia l'asta torna all'alba", MERCATO,
             "Gazzetta Lagunare").encode("latin-1"))
    # Declares UTF-8 but is cp1252 (the euro sign and the accents are single bytes).
    head = """<meta charset="utf-8"><title>Il biglietto del vaporetto sale a 9,50 €</title>
<meta property="og:site_name" content="Venezia Oggi">
<meta property="article:published_time" content="2022-07-01">"""
    (HERE / "vaporetto-cp1252.html").write_bytes(
        page(head, "Il biglietto del vaporetto sale a 9,50 €", VAPORETTO,
             "Venezia Oggi").encode("cp1252"))
    # A section front: links and teasers, no article.
    links = "".join(f'<li><a href="/cronaca/notizia-{i}">Titolo della notizia {i}</a></li>'
                    for i in range(1, 25))
    (HERE / "cronaca-indice.html").write_text(
        f"""<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">
<title>Cronaca - Corriere del Nord</title></head><body>{MENU.format(site="Corriere del Nord")}
<main><h1>Cronaca</h1><ul class="lista-notizie">{links}</ul>
<nav class="pagination"><a href="?p=2">Pagina successiva</a></nav></main>
{TAIL.format(site="Corriere del Nord")}</body></html>
""", encoding="utf-8")


if __name__ == "__main__":
    main()
