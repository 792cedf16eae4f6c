"""Coverage of furniture kinds seen on unseen sites (issue 4), per language, and prose that must stay.

Every line here is written for these tests, in wordings other than the synthetic corpus's.
"""

from __future__ import annotations

import pytest

from corpuskit.stages.boilerplate import (
    HEADLINE,
    MASTHEAD,
    SHARE_ROW,
    BoilerplateOptions,
    Classifier,
    classify_lines,
)
from corpuskit.stages.linefeatures import masthead_like, share_row_names

FURNITURE = [
    # metering and paywall nags
    ("You have hit your monthly limit of free stories.", "paywall_prompt"),
    ("Only 2 free articles remaining. Subscribe to continue reading", "paywall_prompt"),
    ("Get full access to The Valley Post for just $1 a week", "paywall_prompt"),
    ("Continue reading with a Daily Lantern digital subscription", "paywall_prompt"),
    ("Subscribe and keep reading for just $1 a week", "paywall_prompt"),
    ("Continuez votre lecture dès 1 € par mois", "paywall_prompt"),
    ("Wohnort angeben und Nachrichten aus Ihrer Nähe lesen", "profile_prompt"),
    ("Sie haben Ihr Artikel-Limit erreicht. Jetzt 4 Wochen gratis weiterlesen für 0 €", "paywall_prompt"),
    ("Vous avez atteint la limite d'articles gratuits ce mois-ci.", "paywall_prompt"),
    ("Suscríbete para seguir leyendo sin límites.", "paywall_prompt"),
    ("Assine para continuar lendo esta reportagem.", "paywall_prompt"),
    ("Abbonati per continuare a leggere l'articolo.", "paywall_prompt"),
    # reading time
    ("Reading time: about 7 minutes", "byline"),
    ("4-min read", "reading_time"),
    ("Lesezeit: ca. 3 Min.", "reading_time"),
    ("6 min de lecture", "reading_time"),
    ("Tiempo de lectura: 5 min", "byline"),
    ("3 minutos de leitura", "reading_time"),
    ("Tempo di lettura: 4 minuti", "reading_time"),
    # audio players and app prompts
    ("Listen to this story", "audio_player"),
    ("Artikel vorlesen lassen", "audio_player"),
    ("Écouter cet article", "audio_player"),
    ("Read in app", "app_prompt"),
    ("Install the Lantern app for iPhone and Android", "app_prompt"),
    ("In der App öffnen", "app_prompt"),
    ("Descarga nuestra app", "app_prompt"),
    # live-blog chrome and refresh prompts
    ("Watch live now", "live_chrome"),
    ("LIVE: latest on the storm", "live_chrome"),
    ("Breaking story", "live_chrome"),
    ("Liveticker: Die Wahl im Überblick", "live_chrome"),
    ("En direct : le sommet européen", "live_chrome"),
    ("Actualizaciones en tiempo real", "live_chrome"),
    ("3 new posts are available. Click to refresh", "refresh_prompt"),
    ("Neue Beiträge verfügbar", "refresh_prompt"),
    # profile / personalisation / comment prompts
    ("Choose a screen name before you comment", "profile_prompt"),
    ("Tell us your city to see local news first", "profile_prompt"),
    ("Wählen Sie Ihre Heimatstadt, um lokale Nachrichten zu sehen", "profile_prompt"),
    ("Choisissez votre pseudo", "profile_prompt"),
    ("Einloggen, um mitzudiskutieren", "login_prompt"),
    ("Identifiez-vous pour réagir", "login_prompt"),
    ("Inicia sesión para comentar", "login_prompt"),
    ("Accedi per commentare", "login_prompt"),
    ("Nuestro boletín semanal: las claves de la semana en tu correo. Suscríbete", "newsletter"),
    ("What are your thoughts?", "comment_prompt"),
    ("Was meinen Sie?", "comment_prompt"),
    ("¿Qué opinas?", "comment_prompt"),
    ("Cosa ne pensi?", "comment_prompt"),
    # advertisement markers, back to top, text size, syndication
    ("[ ADVERTISEMENT ]", "advertisement"),
    ("-- Anzeige --", "advertisement"),
    ("~ publicidad ~", "advertisement"),
    ("⬆ Back to the top", "back_to_top"),
    ("Scroll to top of page", "back_to_top"),
    ("↑ Nach oben", "back_to_top"),
    ("↑ Haut de page", "back_to_top"),
    ("Font size", "text_size"),
    ("Schriftgröße A- A+", "text_size"),
    ("Reprinted with permission from the Coast Weekly.", "syndication_credit"),
    ("Dieser Text erschien zuerst bei der Nordsee-Zeitung.", "syndication_credit"),
    ("This column was first published by the Valley Courier.", "syndication_credit"),
    ("Published here under a content-sharing agreement with Metro Weekly.", "syndication_credit"),
    # headings of teaser modules
    ("Trending in Hillsborough", "related_heading"),
    ("Around Maplewood", "related_heading"),
    # navigation rows separated by dashes
    ("News – Opinion – Sport – Culture – Lifestyle", "separator_row"),
    # share rows that name the network after "with"
    ("Share this with Messenger", "social_row"),
    ("Share it with WhatsApp", "social_row"),
    # comment moderation policies (the comment section starts there)
    ("Comments that are abusive or off-topic will not be published.", "comments"),
    ("All comments are pre-moderated by our editors.", "comments"),
    ("Hinweis: Kommentare, die gegen unsere Regeln verstoßen, werden nicht freigeschaltet.", "comments"),
    ("Les commentaires injurieux ou hors sujet ne seront pas publiés.", "comments"),
    ("Los comentarios ofensivos no serán publicados.", "comments"),
    ("I commenti vengono moderati prima della pubblicazione.", "comments"),
    ("Reacties worden vooraf gemodereerd.", "comments"),
    ("Комментарии проходят модерацию.", "comments"),
    # tabloid teaser links tagged in brackets
    ("Minister quits after row over ferry contract [ VIDEO]", "read_more"),
    ("Storm closes the coast road [PICS]", "read_more"),
    # a bare "© Agency" is a photo's credit; the site's own notice is a footer
    ("© MaxPPP", "photo_credit"),
    ("© Reuters / Jane Roe", "photo_credit"),
    ("© 2021 The Valley Post. All rights reserved.", "copyright"),
    ("Copyright The Valley Post", "copyright"),
    # French subscription and account prompts, syndication
    ("Abonnez-vous au Journal du Port : sans engagement, résiliable à tout moment.", "paywall_prompt"),
    ("Créez votre compte gratuit pour retrouver vos articles", "login_prompt"),
    ("Cet article a d'abord été publié par L'Écho du Port.", "syndication_credit"),
    ("Le quai inondé, lundi matin. Crédit : Louise Marchal", "photo_credit_line"),
    ("La lettre du Port : toute l'actualité de la ville chaque soir. Je m'inscris", "newsletter"),
    # credits, datelines, counters and tag lists in other shapes
    ("Boats in the harbour at dawn. Credit: Jane Roe for The Valley Post", "photo_credit_line"),
    ("Jun. 18, 2019 / 10:24 PM EST", "byline"),
    ("Share325", "counter"),
    ("Explore more: harbour, council, storms", "read_more"),
    # datelines with the weekday
    ("Freitag, 14. März 2025", "byline"),
    ("vendredi 14 mars 2025", "byline"),
    ("Viernes, 14 de marzo de 2025", "byline"),
    # Polish, Swedish, Danish, Norwegian, Turkish, Indonesian (packs added in the fifth session)
    ("Czytaj także: Inflacja spadła do 2,8 proc. Ekonomiści są zaskoczeni", "read_more"),
    ("Zobacz też", "related_heading"),
    ("Najczęściej czytane", "related_heading"),
    ("Fot. PAP/Leszek Szymański", "photo_credit_line"),
    ("Reklama", "advertisement"),
    ("Komentarze (12)", "comments"),
    ("Zaloguj się, aby dodać komentarz", "login_prompt"),
    ("Wszelkie prawa zastrzeżone.", "legal_footer"),
    ("Tagi: budżet, rząd, finanse", "read_more"),
    ("Ten artykuł jest dostępny tylko dla subskrybentów", "paywall_prompt"),
    ("Läs också: Bostadspriserna stiger igen", "read_more"),
    ("Mest lästa", "related_heading"),
    ("Annons", "advertisement"),
    ("Logga in för att kommentera", "login_prompt"),
    ("Alla rättigheter förbehållna", "legal_footer"),
    ("Publicerad 12 mars 2024 kl 09.30", "byline"),
    ("Læs også: Renten falder igen", "read_more"),
    ("Mest læste", "related_heading"),
    ("Tilmeld dig vores nyhedsbrev", "newsletter"),
    ("Alle rettigheder forbeholdes", "legal_footer"),
    ("Les også: Strømprisen stiger", "read_more"),
    ("Logg inn for å kommentere", "login_prompt"),
    ("Annonse", "advertisement"),
    ("Alle rettigheter forbeholdt", "legal_footer"),
    ("İlgili Haberler", "related_heading"),
    ("İlgili Haber: Dolar kuru güne nasıl başladı?", "read_more"),
    ("En Çok Okunanlar", "related_heading"),
    ("Yorum yapmak için giriş yapın", "login_prompt"),
    ("Etiketler: faiz, Merkez Bankası, ekonomi", "read_more"),
    ("Tüm hakları saklıdır", "legal_footer"),
    ("Fotoğraf: AA", "photo_credit_line"),
    ("Reklam", "advertisement"),
    ("Baca juga: Harga BBM naik mulai besok", "read_more"),
    ("Berita Terkait", "related_heading"),
    ("Iklan", "advertisement"),
    ("Penulis: Budi Santoso", "byline"),
    ("Hak cipta dilindungi undang-undang", "legal_footer"),
    ("Masuk untuk berkomentar", "login_prompt"),
    # Czech, Romanian, Hungarian, Finnish, Ukrainian
    ("Čtěte také: Vláda schválila rozpočet na příští rok", "read_more"),
    ("Nejčtenější", "related_heading"),
    ("Všechna práva vyhrazena.", "legal_footer"),
    ("Foto: ČTK/Michal Krumphanzl", "photo_credit_line"),
    ("Citește și: Guvernul a aprobat bugetul", "read_more"),
    ("Cele mai citite", "related_heading"),
    ("Publicitate", "advertisement"),
    ("Toate drepturile rezervate", "legal_footer"),
    ("Olvassa el ezt is: Emelkedik a benzin ára", "read_more"),
    ("Hirdetés", "advertisement"),
    ("Minden jog fenntartva.", "legal_footer"),
    ("Fotó: MTI/Koszticsák Szilárd", "photo_credit_line"),
    ("Lue myös: Hallitus esittää veronkevennyksiä", "read_more"),
    ("Luetuimmat", "related_heading"),
    ("Mainos", "advertisement"),
    ("Kaikki oikeudet pidätetään", "legal_footer"),
    ("Kuva: Lehtikuva / Markku Ulander", "photo_credit_line"),
    ("Читайте також: Уряд ухвалив бюджет на наступний рік", "read_more"),
    ("Найпопулярніше", "related_heading"),
    ("Усі права захищені", "legal_footer"),
    ("Коментарі (7)", "comments"),
]


@pytest.mark.parametrize(("line", "expected"), FURNITURE)
def test_furniture_kinds(classifier: Classifier, line: str, expected: str) -> None:
    assert classifier.pack_rule(line) == expected


PROSE = [
    "Facebook and Twitter said on Monday that they had removed hundreds of accounts linked to the campaign.",
    "The streaming service will raise the price of its standard subscription to $15.49 a month in March.",
    "Der Verlag erhöht den Preis für das Digital-Abo im Frühjahr um zwei Euro im Monat.",
    "Les abonnés paieront désormais 12 euros par mois, a annoncé le groupe mardi.",
    "She said the city would print, email and post the new rules on its website next week.",
    "The mayor — who spoke briefly — said the plan would go ahead.",
    "What do you think happens to the money once it leaves the account, the judge asked the witness.",
    "Around the harbour, fishermen mended nets and waited for the weather to turn.",
    "Reading time for pupils doubled after the library reopened, the school said.",
    "The plan has a monthly limit of 10 gigabytes, after which speeds drop sharply.",
    "Investigators get full access to the company's records under the settlement.",
    "Visitors can get access to the park for $5 on weekdays.",
    "Companies use the data to personalise ads.",
    "This report was published by the agency on Monday and found rising prices.",
    "Un rapport publié par l'Insee montre une hausse du chômage au troisième trimestre.",
    "Les députés examineront les articles restants du projet de loi mardi.",
    "Das Buch erschien erstmals im Jahr 1950 und wurde ein Bestseller.",
    "Die Behörden hatten vollen Zugriff auf die Daten der Kunden.",
    "Los diputados votarán los artículos restantes de la ley el martes.",
    "Users can see it in the app once the update is installed.",
    "This essay was reprinted in the anthology. The author said the response surprised her.",
    "The agency said public comments will be reviewed before the rule takes effect.",
    "She shared the photo with her followers on Friday.",
    "Die Beiträge der Mitglieder werden im Frühjahr erhöht.",
    "The court heard the evidence [report] on Monday.",
    "The tax credit: Congress approved it on Monday after a long debate.",
    "Still, this is not the first slogan to go awry. This material may not be published, broadcast, rewritten or redistributed.",
    "Les abonnés du club peuvent résilier leur contrat sans frais jusqu'en juin.",
    "La banque a accordé un crédit : 5 millions d'euros sur dix ans.",
    "Reklama w internecie rośnie szybciej niż w telewizji, wynika z raportu agencji.",
    "Komentarze polityków po ogłoszeniu wyników były bardzo ostrożne.",
    "Fotografia prasowa zdobyła w tym roku nagrodę jury.",
    "Annonsörerna lämnar plattformen efter beslutet, skriver tidningen.",
    "Mest lästa boken i år var en deckare från Norrland.",
    "Vi deler ut prisen til tre forfattere i år, sa juryleder.",
    "Reklam sektörü bu yıl yüzde 20 büyüdü.",
    "İlgili bakanlık açıklamayı salı günü yaptı.",
    "Iklan politik dilarang selama masa tenang pemilu.",
    "Baca tulis menjadi fokus program pemerintah tahun ini.",
    "Čtenáři mohou komentáře k článku posílat do pátku, uvedla redakce.",
    "Publicitatea electorală este interzisă în ziua votului.",
    "A hirdetés szerint a cég tavasszal új munkatársakat keres.",
    "Kuvat ja videot julkaistaan tiistaina, kertoi ministeriö.",
    "Фото з місця події опублікувала поліція у вівторок.",
]


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_not_a_rule(classifier: Classifier, line: str) -> None:
    assert classifier.pack_rule(line) is None
    assert share_row_names(line) == 0


def test_share_row_names_glued_in_several_languages() -> None:
    assert share_row_names("TwitterTwitterWhatsAppWhatsAppPrintPrintFlipboardFlipboard") == 4
    assert share_row_names("Share via LinkedInShare via TelegramShare via EmailClose") >= 3
    assert share_row_names("Per E-Mail teilenDruckenWhatsAppLink kopieren") >= 3
    assert share_row_names("Compartir en FacebookCompartir en XImprimirEnlace copiado") >= 3
    assert share_row_names("Share on Facebook") == 1  # one name: the share_prompt rule's business
    assert share_row_names("Emails printed by the savings bank") == 0


def test_share_row_and_masthead_in_a_page() -> None:
    body = [
        "The council voted on Tuesday to close the old bridge to traffic for at least a year of repairs.",
        "",
        "Engineers said the steel had corroded faster than expected after two wet winters in a row.",
        "",
        "DIVERSIONS",
        "",
        "Drivers will be sent through the town centre, and buses will run every ten minutes instead of five.",
    ]
    lines = [
        "THE RIVERTON ECHO",
        "Bridge to close for a year",
        "",
        "FacebookTwitterEmailPrintCopy link",
        "",
        *body,
        "",
        "THE RIVERTON ECHO",
    ]
    out = classify_lines(lines)
    assert out[0] == MASTHEAD and out[-1] == MASTHEAD
    assert out[3] == SHARE_ROW
    assert out[1] == HEADLINE  # the headline is not the site's masthead
    assert out[lines.index("DIVERSIONS")] is None  # an all-caps subheading inside the article stays
    off = classify_lines(lines, options=BoilerplateOptions(disabled_rules=(SHARE_ROW, MASTHEAD)))
    assert out[3] != off[3] and off[0] != MASTHEAD


def test_masthead_like() -> None:
    assert masthead_like("THE EVENING LANTERN")
    assert not masthead_like("WHAT HAPPENED NEXT?")
    assert not masthead_like("The Evening Lantern")
    assert not masthead_like("A VERY LONG LINE WRITTEN IN CAPITALS FROM START TO END")


def test_all_caps_headline_right_above_the_body_is_the_headline() -> None:
    lines = [
        "STORM CUTS POWER TO THOUSANDS",
        "",
        "More than ten thousand homes were without electricity on Sunday after the storm brought down lines.",
        "",
        "Crews from three counties worked through the night and expect to restore most supplies by Monday.",
    ]
    assert classify_lines(lines)[0] == HEADLINE
