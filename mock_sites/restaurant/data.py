"""Fixed word lists the catalogue and task generators draw from (no logic here).

Two disjoint sets of names: the first (cities, restaurant names, people) is what catalogue seeds
0-999 and every frozen suite use; the second (the ``UNSEEN_*`` lists, catalogue seeds >= 1000)
shares no city, neighbourhood, restaurant name or person's name with it, so a model trained on
the first can be evaluated on a catalogue it has never seen. Cuisines, dishes, review texts and
the site's structure are common to both."""

from __future__ import annotations

CITIES: dict[str, tuple[str, ...]] = {
    "San Francisco": ("Mission", "North Beach", "Hayes Valley", "SoMa", "Marina"),
    "New York": ("West Village", "Williamsburg", "Upper West Side", "Lower East Side", "Chelsea"),
    "Chicago": ("River North", "Wicker Park", "Logan Square", "West Loop"),
    "Boston": ("Back Bay", "North End", "South End", "Beacon Hill", "Seaport"),
    "Seattle": ("Capitol Hill", "Ballard", "Fremont", "Queen Anne"),
    "Austin": ("South Congress", "East Austin", "Downtown", "Hyde Park"),
    "Denver": ("LoDo", "RiNo", "Highlands", "Cherry Creek"),
    "Miami": ("Wynwood", "Little Havana", "Coconut Grove", "South Beach", "Brickell"),
}

# cuisine -> (restaurant names, (dish, base price in dollars) pairs, description phrases)
CUISINES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, int], ...], tuple[str, ...]]] = {
    "Italian": (
        ("Bella Notte", "Trattoria Lucca", "Osteria Verde", "Il Forno", "La Piazza", "Nonna's Table",
         "Via Roma", "Pasta Fresca", "Casa Mia"),
        (("Burrata with heirloom tomatoes", 16), ("Cacio e pepe", 21), ("Margherita pizza", 18),
         ("Osso buco", 34), ("Tiramisu", 11), ("Risotto ai funghi", 24), ("Arancini", 13)),
        ("hand-rolled pasta", "a wood-fired oven", "a long Italian wine list"),
    ),
    "French": (
        ("Le Petit Bistro", "Chez Margot", "Café Lumière", "La Maison Bleue", "Brasserie Saint-Jean",
         "Le Jardin", "Bistro Rouge", "Maison Claire", "L'Étoile"),
        (("French onion soup", 14), ("Steak frites", 32), ("Duck confit", 31), ("Moules marinières", 26),
         ("Crème brûlée", 12), ("Niçoise salad", 17), ("Escargots", 16)),
        ("classic bistro cooking", "a zinc bar", "a cheese trolley"),
    ),
    "Japanese": (
        ("Sakura House", "Kaze Sushi", "Umami Bar", "Hana Izakaya", "Koi Garden", "Tsuki", "Yuzu Kitchen",
         "Ramen Ichiban", "Kintsugi"),
        (("Omakase nigiri", 48), ("Tonkotsu ramen", 18), ("Chicken karaage", 12), ("Salmon donburi", 22),
         ("Agedashi tofu", 10), ("Matcha parfait", 9), ("Wagyu skewers", 26)),
        ("a twelve-seat sushi counter", "late-night izakaya plates", "a sake list from small breweries"),
    ),
    "Mexican": (
        ("Casa Azul", "La Cantina", "El Jardín", "Tacos y Más", "Mesa Roja", "Cielo", "La Palapa", "Maíz",
         "Agave Azul"),
        (("Tacos al pastor", 15), ("Mole poblano", 26), ("Guacamole and chips", 11), ("Ceviche", 17),
         ("Chile relleno", 19), ("Churros", 9), ("Enchiladas verdes", 20)),
        ("tortillas pressed to order", "a mezcal bar", "regional Oaxacan dishes"),
    ),
    "Indian": (
        ("Saffron", "Spice Route", "Tandoor House", "Masala Garden", "Bombay Brasserie", "Curry Leaf",
         "The Ghee Room", "Chai & Chutney", "Jaipur Palace"),
        (("Butter chicken", 22), ("Lamb rogan josh", 25), ("Palak paneer", 18), ("Garlic naan", 5),
         ("Chicken tikka", 19), ("Masala dosa", 16), ("Gulab jamun", 8)),
        ("a clay tandoor", "home-style curries", "dishes from across the subcontinent"),
    ),
    "Thai": (
        ("Lotus Thai", "Bangkok Street", "Thai Orchid", "Basil Leaf", "Siam Garden", "Lemongrass",
         "Chili & Lime", "Krua Thai", "Mango Tree"),
        (("Pad thai", 16), ("Green curry", 18), ("Tom yum soup", 12), ("Papaya salad", 11),
         ("Khao soi", 19), ("Mango sticky rice", 9), ("Crying tiger beef", 24)),
        ("Bangkok street food", "fiery northern curries", "a fragrant herb garden"),
    ),
    "Chinese": (
        ("Golden Dragon", "Jade Garden", "Dumpling House", "Red Lantern", "Bamboo Court", "Sichuan Pepper",
         "Peking Palace", "Lucky Noodle", "Mandarin Moon"),
        (("Xiao long bao", 13), ("Peking duck", 42), ("Mapo tofu", 17), ("Dan dan noodles", 15),
         ("Salt and pepper squid", 18), ("Egg tarts", 8), ("Kung pao chicken", 19)),
        ("hand-folded dumplings", "Sichuan peppercorn heat", "Cantonese roast meats"),
    ),
    "American": (
        ("The Copper Pot", "Oak & Ember", "Union Kitchen", "The Corner Table", "Hearth", "Blue Plate Diner",
         "Maple & Rye", "The Grange", "Liberty Grill"),
        (("Cheeseburger", 19), ("Fried chicken", 24), ("Mac and cheese", 14), ("Ribeye steak", 45),
         ("Caesar salad", 13), ("Apple pie", 10), ("Clam chowder", 12)),
        ("seasonal farm produce", "a wood grill", "comfort food done right"),
    ),
    "Mediterranean": (
        ("Olive & Fig", "Santorini", "Aegean Blue", "The Olive Tree", "Levant", "Za'atar", "Cyprus Kitchen",
         "Meze House", "Azure Coast"),
        (("Mezze platter", 18), ("Grilled octopus", 24), ("Lamb kofta", 22), ("Falafel", 13),
         ("Spanakopita", 12), ("Baklava", 9), ("Whole grilled branzino", 36)),
        ("shared mezze", "charcoal-grilled fish", "olive oil from small groves"),
    ),
    "Korean": (
        ("Seoul Kitchen", "Bibim", "Gangnam Grill", "Kimchi House", "Han River", "Bulgogi Bros", "Arirang",
         "Hanok", "Dolsot"),
        (("Beef bulgogi", 24), ("Dolsot bibimbap", 18), ("Kimchi jjigae", 16), ("Korean fried chicken", 20),
         ("Japchae", 15), ("Haemul pajeon", 17), ("Galbi", 32)),
        ("tabletop barbecue", "house-made kimchi", "bubbling stone pots"),
    ),
    "Spanish": (
        ("Tapas Bar Sevilla", "La Bodega", "Casa Madrid", "El Toro", "Paella Valencia", "Barcelona Wine Bar",
         "Olé", "Tinto", "Granada"),
        (("Patatas bravas", 10), ("Gambas al ajillo", 16), ("Paella mixta", 38), ("Jamón ibérico", 28),
         ("Tortilla española", 11), ("Churros con chocolate", 9), ("Pulpo a la gallega", 22)),
        ("tapas to share", "paella for the table", "a sherry and cava list"),
    ),
    "Seafood": (
        ("The Oyster Bar", "Anchor & Tide", "Blue Fin", "The Salty Dog", "Harbor House", "Pier 9",
         "Catch of the Day", "Lobster Pot", "Sea Salt"),
        (("Oysters on the half shell", 21), ("Lobster roll", 34), ("Fish and chips", 22), ("Crab cakes", 24),
         ("Seared scallops", 33), ("Key lime pie", 10), ("Cioppino", 38)),
        ("a raw bar", "fish landed that morning", "waterfront views"),
    ),
}

DESCRIPTION_TEMPLATES: tuple[str, ...] = (
    "A neighbourhood favourite in {hood} known for {feature}.",
    "{name} brings {feature} to {hood}, with a relaxed dining room and friendly service.",
    "Cosy {cuisine} spot in {hood} with {feature} and a menu that changes with the seasons.",
    "Bright, busy and fun: {name} pairs {feature} with one of the best patios in {hood}.",
)

REVIEW_AUTHORS: tuple[str, ...] = (
    "Priya S.", "Marcus L.", "Chen W.", "Sofia R.", "Daniel K.", "Amara O.", "Jonas B.", "Lucía M.",
    "Hannah T.", "Kenji N.", "Olivia P.", "Mateo G.", "Zoë F.", "Ibrahim A.", "Grace H.", "Noah D.",
)

REVIEW_TEXTS: dict[int, tuple[str, ...]] = {
    5: ("Perfect evening, we will be back.", "Best meal I have had this year.",
        "Warm staff and every dish was excellent."),
    4: ("Lovely food, a little loud on a Friday.", "Great flavours and fair prices.",
        "Service was quick and the dessert was a highlight."),
    3: ("Good, not great. The mains were better than the starters.", "Nice room, but we waited a while.",
        "Solid choice if you are in the area."),
    2: ("Our table was not ready when we arrived.", "Portions were small for the price."),
}

# first, last, email, phone, password
ACCOUNTS_RAW: tuple[tuple[str, str, str, str, str], ...] = (
    ("Maria", "Garcia", "maria.garcia@example.com", "415-555-0101", "table-maria"),
    ("James", "Smith", "james.smith@example.com", "415-555-0102", "table-james"),
    ("Aisha", "Khan", "aisha.khan@example.com", "415-555-0103", "table-aisha"),
    ("Wei", "Zhang", "wei.zhang@example.com", "415-555-0104", "table-wei"),
    ("Olivia", "Brown", "olivia.brown@example.com", "415-555-0105", "table-olivia"),
    ("Diego", "Hernández", "diego.hernandez@example.com", "415-555-0106", "table-diego"),
    ("Emma", "O'Connor", "emma.oconnor@example.com", "415-555-0107", "table-emma"),
    ("Kwame", "Mensah", "kwame.mensah@example.com", "415-555-0108", "table-kwame"),
    ("Yuki", "Tanaka", "yuki.tanaka@example.com", "415-555-0109", "table-yuki"),
    ("Anna-Lena", "Schmidt", "anna.schmidt@example.com", "415-555-0110", "table-anna"),
)

# the names of generated customers (not signed in)
FIRST_NAMES: tuple[str, ...] = (
    "Maria", "James", "Aisha", "Wei", "Olivia", "Mateo", "Priya", "Lucas", "Zoë", "Noah", "Hana", "Diego",
    "Emma", "Kwame", "Sofia", "Liam", "Chloé", "Arjun", "Freya", "Tomás", "Ingrid", "Yusuf", "Mei", "Oscar",
)
LAST_NAMES: tuple[str, ...] = (
    "Lopez", "Chen", "Okafor", "Nguyen", "Schmidt", "Rossi", "Patel", "Kim", "O'Brien", "Haddad", "Silva",
    "Novak", "Jensen", "García", "Tanaka", "Moreau", "Kowalski", "Brown", "Mensah", "Fischer",
)
AREA_CODES: dict[str, str] = {
    "San Francisco": "415", "New York": "212", "Chicago": "312", "Boston": "617", "Seattle": "206",
    "Austin": "512", "Denver": "303", "Miami": "305",
}

# -- the second set (catalogue seeds >= 1000): the same shapes, no name in common with the first --
UNSEEN_CITIES: dict[str, tuple[str, ...]] = {
    "Portland": ("Pearl District", "Alberta Arts", "Hawthorne", "Sellwood", "Division"),
    "Philadelphia": ("Rittenhouse", "Fishtown", "Old City", "Passyunk", "Manayunk"),
    "New Orleans": ("French Quarter", "Garden District", "Marigny", "Bywater"),
    "Nashville": ("The Gulch", "East Nashville", "Germantown", "Music Row", "Sylvan Park"),
    "San Diego": ("Gaslamp", "Little Italy", "North Park", "La Jolla"),
    "Minneapolis": ("Northeast", "Uptown", "Loring Park", "North Loop"),
    "Atlanta": ("Inman Park", "Old Fourth Ward", "Buckhead", "Virginia-Highland", "Decatur"),
    "Phoenix": ("Roosevelt Row", "Arcadia", "Melrose", "Camelback"),
}

# cuisine -> restaurant names (the cuisines of CUISINES, nine names each)
UNSEEN_RESTAURANT_NAMES: dict[str, tuple[str, ...]] = {
    "Italian": ("Trattoria Bellini", "Osteria del Ponte", "Forno Antico", "Cucina Sorella", "Il Gabbiano",
                "Locanda Fiore", "Pane e Vino", "Vespa", "Enoteca Rosso"),
    "French": ("Le Comptoir", "Chez Lucien", "Bistrot Amélie", "La Fontaine", "Brasserie du Parc", "Le Moulin",
               "Café Beaumont", "Maison Verte", "L'Auberge"),
    "Japanese": ("Hinoki", "Sora Sushi", "Kumo Izakaya", "Tatsu Ramen", "Matsu Garden", "Nami", "Shiso Kitchen",
                 "Tanuki Bar", "Hoshi"),
    "Mexican": ("La Fonda", "Casa Oaxaca", "El Molino", "Taquería Luna", "Mezcalería Sol", "Xochi", "La Milpa",
                "Tres Hermanas", "Nopal"),
    "Indian": ("Kesari", "Chutney Club", "Tandoori Nights", "Lotus of Delhi", "Malabar Coast", "Cardamom",
               "The Dosa Hut", "Rasa & Roti", "Mumbai Local"),
    "Thai": ("Sukhothai", "Chiang Mai Kitchen", "Thai Basil House", "Jasmine Thai", "Pattaya", "Khao Kitchen",
             "Tamarind & Lime", "Som Tam", "Elephant Walk"),
    "Chinese": ("Silver Pagoda", "Canton House", "Shanghai Garden", "Noodle Theory", "Pearl River",
                "Hunan Kitchen", "Golden Crane", "Dragon Well", "Tea Leaf Court"),
    "American": ("The Iron Skillet", "Birch & Barrel", "Main Street Tavern", "The Larder", "Hollow Tree",
                 "Cast & Crown", "The Tin Cup", "Prairie Table", "Porch & Pine"),
    "Mediterranean": ("Cedar & Sage", "Mykonos", "Sumac", "Pomegranate", "Halloumi House", "Anatolia", "Byblos",
                      "Zaytoun", "Ionian Table"),
    "Korean": ("Jeju House", "Namsan", "Seorae", "Busan Grill", "Gochu", "Daebak", "Ondol", "Bap & Banchan",
               "Hanuri"),
    "Spanish": ("Taberna Mallorca", "La Rioja", "Casa Bilbao", "El Faro", "Jamonería", "Sol y Sombra", "Cádiz",
                "Txoko", "La Tasca"),
    "Seafood": ("The Crab Shack", "Saltwater", "Driftwood", "The Fish Market", "Lighthouse Grill",
                "Mussel & Clam", "Tidewater", "Bluewater Oyster Co", "Captain's Table"),
}

UNSEEN_REVIEW_AUTHORS: tuple[str, ...] = (
    "Elliot R.", "Maya C.", "Tobias H.", "Inés V.", "Rohan M.", "Keiko A.", "Pablo D.", "Camille S.",
    "Jamal B.", "Dmitri L.", "Esther K.", "Kai W.", "Lorenzo P.", "Mira G.", "Sven T.", "Talia N.",
)

UNSEEN_ACCOUNTS_RAW: tuple[tuple[str, str, str, str, str], ...] = (
    ("Rafael", "Costa", "rafael.costa@example.com", "503-555-0201", "table-rafael"),
    ("Helen", "Walsh", "helen.walsh@example.com", "503-555-0202", "table-helen"),
    ("Fatima", "Rahman", "fatima.rahman@example.com", "503-555-0203", "table-fatima"),
    ("Jun", "Park", "jun.park@example.com", "503-555-0204", "table-jun"),
    ("Nadia", "Petrova", "nadia.petrova@example.com", "503-555-0205", "table-nadia"),
    ("Andrés", "Jiménez", "andres.jimenez@example.com", "503-555-0206", "table-andres"),
    ("Siobhan", "O'Neill", "siobhan.oneill@example.com", "503-555-0207", "table-siobhan"),
    ("Kofi", "Asante", "kofi.asante@example.com", "503-555-0208", "table-kofi"),
    ("Haruto", "Sato", "haruto.sato@example.com", "503-555-0209", "table-haruto"),
    ("Marie-Claire", "Dubois", "marie.dubois@example.com", "503-555-0210", "table-marie"),
)

UNSEEN_FIRST_NAMES: tuple[str, ...] = (
    "Elena", "Samuel", "Leila", "Bo", "Isabel", "Joaquín", "Ananya", "Felix", "Léa", "Ethan", "Yara", "Marco",
    "Clara", "Tariq", "Nina", "Owen", "Renée", "Vikram", "Astrid", "Ramón", "Sigrid", "Omar", "Lin", "Hugo",
)
UNSEEN_LAST_NAMES: tuple[str, ...] = (
    "Morales", "Wu", "Adeyemi", "Tran", "Becker", "Romano", "Shah", "Lee", "O'Sullivan", "Nasser", "Pereira",
    "Horvat", "Larsen", "Muñoz", "Suzuki", "Laurent", "Nowak", "Taylor", "Boateng", "Weber",
)
UNSEEN_AREA_CODES: dict[str, str] = {
    "Portland": "503", "Philadelphia": "215", "New Orleans": "504", "Nashville": "615", "San Diego": "619",
    "Minneapolis": "612", "Atlanta": "404", "Phoenix": "602",
}
