"""Events: the snippet's main event and its date, on sentences written for the failure classes of
the blind extraction file (never its texts): cue grammar that must generalise beyond one wording."""
import datetime as dt

import pytest


def _event(x):
    d = x.event_date
    return x.event, (d.value.isoformat()[:{"day": 10, "month": 7}.get(d.precision, 4)] if d else None)


# (text, published, event, event date as written in ISO to its precision, or None)
CASES = [
    # a verb, its object, then "to the grid": the object may be long (place, owner, base)
    ("Datang Renewables connected a 100 MW / 200 MWh battery storage station at its Tongyu wind "
     "base in Baicheng city, Jilin province, northeast China, to the grid on March 3, the "
     "company said.", "2025-03-10", "grid_connection", "2025-03-03"),
    ("Enel synchronised the second 120 MW unit of its storage plant beside the former Bocamina "
     "coal station in the Biobío region of southern Chile with the national grid last week.",
     "2025-05-20", "grid_connection", "2025-05-13"),
    # projects that won long-term agreements or contracts (plural, no supply to give) won a
    # procurement round even where the text never says "tender"
    ("The energy ministry said on Tuesday that six battery developers had won long-term capacity "
     "agreements for 1.2 GW of storage in Chile.", "2025-06-12", "tender_award", "2025-06-10"),
    ("Five pumped-hydro and battery schemes have won 25-year cap-and-floor contracts from Ofgem, "
     "the regulator said on Monday.", "2025-06-12", "tender_award", "2025-06-09"),
    # a supplier's contracts stay orders, or at least no award
    ("Nidec won contracts from two utilities in Italy for a total of 300 MWh.", "2025-06-12",
     None, None),
    ("Fluence has won contracts to supply 2 GWh of batteries to two German utilities.",
     "2025-06-12", "order", None),
    ("Wartsila won supply contracts for three 100 MW batteries in Texas.", "2025-06-12", "order",
     None),
    # an earlier step told in an "after" clause is history: the coming step is the news
    ("Statkraft said its 80 MW battery near Falkirk will be switched on in May, after work on the "
     "site started last summer.", "2025-03-01", "grid_connection", "2025-05"),
    ("The 200 MW battery at Kwinana is due to start commercial operation in August, after the "
     "developer broke ground in January 2024.", "2025-06-01", "commercial_operation", "2025-08"),
    ("The 50 MW battery in Leeds was energised on June 3, after Acme closed its financing in "
     "March.", "2025-06-20", "grid_connection", "2025-06-03"),
    # a construction step done (a tunnel dug, units installed) is the news, not the first power
    # still expected
    ("Hydro Tasmania said on Monday that crews had finished drilling the access tunnel for the "
     "750 MW Cethana pumped-hydro scheme. First power is now expected in 2030.", "2025-09-10",
     "other", "2025-09-08"),
    ("Genex completed the excavation of the upper reservoir at its 250 MW Kidston pumped-storage "
     "plant last month, and first power is due in 2026.", "2025-09-10", "other", "2025-08"),
    ("Acme has completed the installation of all 80 battery containers at its 100 MW site in "
     "Essex; energisation is planned for March.", "2025-01-10", "other", None),
    # an award told twice: "the winners" gives no date, the contracts signed or awarded do
    ("The Saudi Power Procurement Company said on Sunday it had signed contracts for 2 GWh of "
     "battery storage under its first storage round. Among the winners, ACWA Power will build a "
     "500 MW battery near Riyadh.", "2025-07-16", "tender_award", "2025-07-13"),
    ("Maharashtra's state utility has awarded Tata Power a contract to build a 250 MW / 500 MWh "
     "battery near Pune, officials said on Tuesday. The winning bid was Rs 2.2 lakh per MW per "
     "month.", "2025-07-16", "tender_award", "2025-07-15"),
    # nor is a contract of another kind, with another party
    ("Acme's 100 MW battery was among the winners of the state's first storage auction. It "
     "signed a supply agreement with Tesla on May 5.", "2025-06-20", "tender_award", None),
    # a contract still to come is no telling of the award
    ("Acme was named the preferred bidder for a 100 MW battery in Wales. It expects to sign a "
     "supply agreement with Tesla in March.", "2025-01-16", "tender_award", None),
    # a later step told after a done deed ("to be installed ... by June 2026") keeps its date
    ("Sungrow has received an order from Enel for 200 MWh of PowerTitan systems, to be installed "
     "at three sites in Chile by June 2026.", "2025-09-01", "order", None),
    ("Hithium won an order for 1 GWh of cells from a US developer last month, to be shipped in "
     "two batches by March 2026.", "2025-09-01", "order", "2025-08"),
    ("Acme energised the first battery to be owned by a council in Wales on May 3.", "2025-06-20",
     "grid_connection", "2025-05-03"),
    ("Acme has signed a contract for a 100 MW battery near Leeds that is due to be connected in "
     "2027, the company said on Monday.", "2025-09-03", "agreement", "2025-09-01"),
    # a start of operation still expected, told after a deal, dates the start, not the deal;
    # a cue that is itself the subject ("trial production is set to begin") keeps its date
    ("Avista signs tolling deal for 480 MWh Idaho battery ... the 120 MW project from Northwind "
     "is expected to start up in 2027 ...", "2025-09-03", "agreement", None),
    ("Acme closed financing for its 80 MW Wrexham battery on Monday; the site is expected to "
     "begin commercial operation in 2026.", "2025-09-03", "financing", "2025-09-01"),
    ("The trial production at the Debrecen cell plant is set to begin Sept. 22, the company "
     "said.", "2025-09-03", "trial_production", "2025-09-22"),
    # headline verbs in the present: "closes financing", "plugs ... into the grid"
    ("Nordlicht Speicher closes financing for 90 MW Saxony battery ... two banks will provide the "
     "debt, the developer said ...", "2025-09-03", "financing", None),
    ("Texas: Lunar Grid plugs 400 MWh battery into the ERCOT grid ... the two-hour system sits "
     "beside a wind farm", "2025-09-03", "grid_connection", None),
    # power delivered is no delivery of goods; banks backing a plant with debt finance it
    ("The Atacama Sol battery in Chile will deliver 100 MW for five hours after sunset.",
     "2025-09-03", None, None),
    ("Fluence will deliver the 100 MW battery to Atacama Sol in March.", "2025-09-03", "order",
     "2026-03"),
    ("Two Belgian banks are backing a 200 MW battery near Antwerp with EUR 140m of debt, the "
     "developer said on Monday.", "2025-09-03", "financing", "2025-09-01"),
    ("Two Belgian banks are backing a 0.4 GWh battery near Antwerp with €140m of debt. Work "
     "begins in May, with commissioning planned for 2027.", "2025-09-03", "financing", None),
    # a deal inked, told in the passive, is the agreement behind an investment
    ("PowerChina will invest in a 500 MWh battery in Kazakhstan under a deal inked in Astana "
     "on Tuesday.", "2025-09-03", "agreement", "2025-09-02"),
    # a grid operator clearing a plant to send power is its connection
    ("Peru's grid operator COES has authorised the Chilca storage plant of Kallpa to inject "
     "energy into the national grid, the company said on Friday.", "2025-09-03",
     "grid_connection", "2025-08-29"),
    # a lender approving or lending a sum finances; "raises" in a headline too
    ("The Asian Development Bank approved $95 million for a 150 MW battery in Luzon on Monday.",
     "2025-09-03", "financing", "2025-09-01"),
    ("Gridlink raises £120m for 500 MWh Scottish battery ...", "2025-09-03", "financing", None),
    # a headline factory opening with its yearly output written as a ratio
    ("Ningde Power opens 8GWh/yr LFP cell plant in Jiangxi ...", "2025-09-03", "factory_opening",
     None),
    # picked in a numbered round of a procurement programme; a financial close still required
    # is a plan, not the news
    ("Four battery projects totalling 400 MW have been picked in the second round of Kenya's "
     "storage procurement programme; they must reach financial close by June 2026.",
     "2025-09-03", "tender_award", None),
    # a text whose only capacity is a factory's yearly output tells of the factory
    ("A line able to make 6 GWh of LFP cells a year began operating in Hungary on Monday, "
     "Eve Power said.", "2025-09-03", "factory_opening", "2025-09-01"),
    ("A 50 MW / 100 MWh battery began operating in Hungary on Monday; its cells came from a "
     "line able to make 6 GWh a year.", "2025-09-03", "commercial_operation", "2025-09-01"),
    ("A line able to make 6 GWh of cells a year began operating in Hungary, Eve Power said. It "
     "supplied the cells for a 50 MWh battery in Debrecen last year.", "2025-09-03",
     "factory_opening", None),
    # headline verbs in the present: "lands an order", "bring ... into operation"
    ("Hyperstrong lands 800 MWh battery order in Chile. The Beijing-based integrator will ship "
     "its systems to a solar park in Antofagasta.", "2025-09-03", "order", None),
    ("Enel and Huawei bring Colombian battery fleet into operation ...", "2025-09-03",
     "commercial_operation", None),
    # a ceremony that starts the works is the start; "invested in by" describes the owner
    ("On the morning of May 5, Thai utility EGAT held a ceremony to start construction of a "
     "40 MW battery at Lopburi, the first such project invested in by the utility.",
     "2025-09-03", "construction_start", "2025-05-05"),
    # vocabulary of Indian, Chinese and Gulf wire copy
    ("Tata Power declared commercial operation of its 50 MW/200 MWh BESS in Maharashtra with "
     "effect from 00:00 hrs of May 2, 2025.", "2025-06-03", "commercial_operation", "2025-05-02"),
    ("SJVN commissions 40 MW/120 MWh BESS at Charanka ...", "2025-06-03", "commercial_operation",
     None),
    ("A batch of 120 battery containers left the port of Ningbo on Friday bound for Saudi Arabia.",
     "2025-06-03", "export", "2025-05-30"),
    ("Sembcorp received a letter of award from Oman's Nama PWP to build a 200 MWh battery near "
     "Sohar, it told the exchange on Monday.", "2025-06-03", "tender_award", "2025-06-02"),
    ("Jakson Green has started installing 500 MWh of batteries at its Bikaner park, the company "
     "said on Monday.", "2025-06-03", "construction_start", "2025-06-02"),
    # money contracts are financing; an invitation to bid that says how projects "will be
    # awarded" awards nothing yet
    ("Akaysha reached financial close on its 200 MW battery in Queensland; the loan agreements "
     "were signed in Sydney on Monday.", "2025-06-03", "financing", "2025-06-02"),
    ("Romania's energy ministry signed grant contracts with 30 developers on Monday for 1.2 GWh "
     "of batteries.", "2025-06-03", "financing", "2025-06-02"),
    ("Plus Power today announced the closing of $300 million in construction financing for its "
     "200 MW battery in Arizona, which is expected to begin operating in 2026.", "2025-06-03",
     "financing", "2025-06-03"),
    ("MSEDCL invited bids on Monday for 1 GWh of battery storage; capacity will be awarded in "
     "two tranches.", "2025-06-03", "other", "2025-06-02"),
    # a memorandum of understanding or a partnership agreement is a partnership
    ("Masdar signed a memorandum of understanding with Uzbekistan's energy ministry on Monday to "
     "build 1 GWh of batteries near Samarkand.", "2025-06-03", "partnership", "2025-06-02"),
    ("Fluence and Tauron signed a strategic partnership agreement in Warsaw on Monday covering "
     "grid storage in Poland.", "2025-06-03", "partnership", "2025-06-02"),
    # a plant with a long name before its noun
    ("Gotion and a state fund opened a lithium iron phosphate cell and module plant in Morocco on "
     "Monday.", "2025-06-03", "factory_opening", "2025-06-02"),
    ("Celsia started the works on its first battery in Valle del Cauca on Monday.", "2025-09-03",
     "construction_start", "2025-09-01"),
    # news leads with what happened: the lead sentence's cue outranks a somewhat stronger one
    # told later (settings lead_sentence_bonus)
    ("Fluence has signed an agreement with Acme Power to supply a 200 MWh battery in Ohio. Acme "
     "won a state tender for a separate 50 MW site in March.", "2025-09-03", "agreement", None),
    # power sent to the grid is a grid connection, however it is sent; cells sent abroad export
    ("The 100 MW Blackhillock battery began exporting to the grid on March 3, its owner said.",
     "2025-03-20", "grid_connection", "2025-03-03"),
    ("Acme's 50 MW battery in Ohio started feeding into the PJM grid last week.", "2025-03-20",
     "grid_connection", "2025-03-13"),
    ("The battery began supplying the local grid in April.", "2025-06-20", "grid_connection",
     "2025-04"),
    ("CATL began exporting sodium-ion cells to Europe in May.", "2025-06-20", "export", "2025-05"),
    # an agreement to work together is a partnership
    ("Enel and Sumitomo signed a memorandum of understanding on Monday to jointly develop 500 MW "
     "of battery storage in Italy.", "2025-03-20", "partnership", "2025-03-17"),
    ("Iberdrola signed a framework agreement with Hithium to collaborate on long-duration storage "
     "in Spain.", "2025-03-20", "partnership", None),
    ("Iberdrola signed a supply agreement with Hithium for 400 MWh of batteries in Spain.",
     "2025-03-20", "agreement", None),
    # a call for bids opened is a tender launched, even with its date inside the phrase
    ("Elia opened a call on Tuesday for 800 MW of battery capacity to be connected by 2028.",
     "2025-03-20", "other", "2025-03-18"),
    ("The ministry launched a second call this week for up to 2 GW of long-duration storage.",
     "2025-03-20", "other", "2025-03-20"),
    # a tender's results told without "awarded" or "winner": results declared, bidders selected;
    # the round's own date ("the auction, held on ...") is the award's, a delivery year is not
    ("The Philippine energy department announced the results of its second green energy "
     "auction for storage, with Aboitiz named among the bidders. Systems must be commissioned by "
     "2027.", "2025-04-10", "tender_award", None),
    ("Romania's energy ministry on Thursday selected eleven bidders, among them Monsson and "
     "Nofar, to build 900 MWh of batteries under its first storage support scheme.",
     "2025-04-10", "tender_award", "2025-04-10"),
    ("Elering has released the results of Estonia's balancing reserve tender, allocating 200 MW "
     "of battery capacity for delivery in 2027. The tender, held on March 12, drew 14 bids.",
     "2025-04-10", "tender_award", "2025-03-12"),
    # a buyer awarding a named supplier a contract is an order, the supplier's country or not
    ("Masdar has awarded Germany's Siemens Energy a contract to supply transformers for its "
     "1 GW battery in Abu Dhabi.", "2025-04-10", "order", None),
    # an acquisition agreed is a deal, not an order; its completion dates it
    ("Harmony Energy has agreed to buy a 150 MW consented battery project near Hull from "
     "Field. The acquisition is expected to close in the fourth quarter.", "2025-04-10", "other",
     "2025"),
    ("Aquila agreed to purchase a 60 MW storage portfolio in Poland from a local developer.",
     "2025-04-10", "other", None),
    # a firm whose name holds "Joint Venture" is no partnership; "online by" dates the plan
    ("Hydro Quebec said the 600 MW pumped-storage plant is now due to start its first unit in "
     "2028, with the whole station fully online by June 2030. Contractor Alpine Civil Joint "
     "Venture has poured 40% of the dam.", "2025-04-10", "commercial_operation", "2030-06"),
    # the first phase of a factory commissioned is a factory opening
    ("Ola Electric has commissioned the first 5 GWh stage of its lithium cell gigafactory in "
     "Krishnagiri, Tamil Nadu.", "2025-04-10", "factory_opening", None),
    # an auction scheduled is a tender launched, not an award
    ("Chile's energy ministry has scheduled the nation's first storage capacity auction for "
     "October 2025, with bids of up to 200 MW per project.", "2025-04-10", "other", "2025-10"),
    # a cargo of batteries leaving a port is an export
    ("A 500 MWh consignment of battery containers built by EVE departed Shenzhen on Monday for "
     "buyers in Chile.", "2025-04-10", "export", "2025-04-07"),
    # an environmental permit granted is an approval, and outranks works still planned
    ("Galicia's environment agency has issued a positive environmental impact declaration for "
     "Naturgy's 120 MW battery near Meirama. Naturgy plans to start works next spring.",
     "2025-04-10", "other", None),
    # an operating event (a dispatch) is news of its own
    ("Exide Energy has commissioned phase 2 of its lithium-ion cell gigafactory in Bengaluru.",
     "2025-04-10", "factory_opening", None),
    # a grid's batteries setting a record is market commentary, no event
    ("Batteries in the Australian market injected a record 4.1 GW into the NEM grid on Tuesday "
     "evening.", "2025-04-10", None, None),
    # a firm that has agreed to build is in an agreement
    ("Statkraft has agreed to build a 20 MW battery at Lanesborough for ESB Networks.",
     "2025-04-10", "agreement", None),
    ("Octopus said 30,000 home batteries in Britain discharged 120 MW into the grid during an "
     "emergency dispatch on Monday evening.", "2025-04-10", "other", "2025-04-07"),
    # the date a contract's term starts (a relative clause, "that begins") is not the deal's
    ("Statkraft has agreed to build a 20 MW battery at Lanesborough under a balancing contract "
     "with ESB Networks that begins in January.", "2025-04-10", "agreement", None),
    # the same deed told again in a relative clause dates it; a delivery planned in another
    # sentence does not date the order
    ("Eesti Energia has energised its 26 MW battery at Auvere, which made headlines when it was "
     "switched on in early March.", "2025-04-10", "grid_connection", "2025-03"),
    ("RWE has ordered 80 Megapacks for a battery at Neurath. Deliveries are scheduled for the "
     "autumn of 2026.", "2025-04-10", "order", None),
    # headline verbs: money secured is financing (a contract won is an order), two firms that
    # "agree on" a battery reach an agreement, a plant that "begins making" cells opens
    ("Tallgrass Storage secures $180m for Oklahoma battery", "2025-04-10", "financing", None),
    ("Acme Power wins $40m contract to supply batteries to a Chilean mine", "2025-04-10", "order", None),
    ("Kazmunai, Sinohydro agree on 400 MWh Aktobe battery", "2025-04-10", "agreement", None),
    ("Nordvolt begins making sodium-ion cells in Skelleftea, converting lines first built for "
     "car batteries.", "2025-04-10", "factory_opening", None),
    ("Kestrel Heat's sand battery in Tampere entered commercial use on Monday.", "2025-04-10",
     "commercial_operation", "2025-04-07"),
    # headlines tell deeds in the present tense
    ("Vessel Energy orders Fluence battery systems for 200MWh Kelso site", "2025-04-10", "order", None),
    ("Hithium signs 2GWh supply order with Chilean developer", "2025-04-10", "order", None),
    ("Marlow Power energises 50MW battery in Kent", "2025-04-10", "grid_connection", None),
    ("Tarrow Grid connects 90MW battery to national grid", "2025-04-10", "grid_connection", None),
    ("Corvid Energy wins tender for 300MW battery in Chile", "2025-04-10", "tender_award", None),
    ("Karoo Power wins EU grant for 100MW battery", "2025-04-10", "financing", None),
    ("Kelso battery starts grid service in Otago", "2025-04-10", "commercial_operation", None),
    ("The regulator orders a review of the tender rules", "2025-04-10", None, None),
    ("Kestrel Cells starts sodium-ion cell line in Gdansk", "2025-04-10", "factory_opening", None),
    ("Vessel Energy closes €150m for Kelso battery", "2025-04-10", "financing", None),
    ("Kestrel Cells held the grand opening of its sodium-ion cell factory in Gdansk on Monday.",
     "2025-04-10", "factory_opening", "2025-04-07"),
    ("Work starts on Otago's 90 MW storage site ...", "2025-04-10", "construction_start", None),
    ("Construction begins at Tarrow Grid's 1GWh battery in Texas", "2025-04-10",
     "construction_start", None),
    ("Ground broken at 500MWh Kelso battery", "2025-04-10", "construction_start", None),
    ("Moldova signs for 400 MWh battery with Tarrow Grid", "2025-04-10", "agreement", None),
    ("... Kestrel Bank and Otago Trust led the debt package for the Kelso battery ...", "2025-04-10",
     "financing", None),
    ("Corvid Energy will hand the trading of its Kelso battery to Mesa Power under a tolling deal.",
     "2025-04-10", "agreement", None),
    ("Mesa Power taps Hithium for 400MWh Kelso battery", "2025-04-10", "order", None),
    ("Corvid Energy chooses Fluence to supply Otago battery", "2025-04-10", "order", None),
    ("Otago council chooses Kelso for the new library", "2025-04-10", None, None),
    ("Tarrow Grid's 90MW battery goes online in Otago", "2025-04-10", "commercial_operation", None),
    ("Moldova awards 300 MW of battery storage in its first auction", "2025-04-10", "tender_award",
     None),
    ("Kelso Holdings awards bonuses to its staff", "2025-04-10", None, None),
    # an outage a battery is built to prevent is no incident
    ("Tarrow Grid has begun building a 40 MW battery in Otago to reduce evening outages on the "
     "island grid.", "2025-04-10", "construction_start", None),
    # buying a plant's output is an offtake, not the purchase of the plant
    ("Mesa Power will buy the output of Corvid Energy's 200 MW battery near Tucson.", "2025-04-10",
     None, None),
    # a deed the lead tells outranks a weightier deed told later (settings lead_sentence_bonus)
    ("Andes Power signed an order on Tuesday for a 60 MW / 240 MWh battery from Hithium. The "
     "system will steady the grid in Arequipa as more solar comes online.", "2025-04-10", "order",
     "2025-04-08"),
    ("Nile Sun has signed loan agreements with two banks to fund a 500 MWh battery in Minya. The "
     "developer switched on a 200 MWh battery at another site last year.", "2025-04-10",
     "financing", None),
    # headline forms of the common news verbs
    ("Tarrow Grid opens Moldova's first grid-scale battery in Chisinau", "2025-04-10",
     "commercial_operation", None),
    ("Kelso Power opens tender for 300 MW of battery storage", "2025-04-10", "other", None),
    ("... the 80 MWh storage system in the south of the island was opened by the minister on "
     "Friday and will ...", "2025-04-12", "commercial_operation", "2025-04-11"),
    ("Otago Super Battery reaches full operation near Dunedin", "2025-04-10",
     "commercial_operation", None),
    ("Otago's largest battery now online north of Dunedin", "2025-04-10", "commercial_operation",
     None),
    ("Mesa Power said the 100 MW plant at Kelso is running commercially.", "2025-04-10",
     "commercial_operation", None),
    ("Corvid Cells begins production at 20GWh storage cell plant in Arad", "2025-04-10",
     "factory_opening", None),
    ("Corvid Cells starts US production of LFP storage cells in Ohio", "2025-04-10",
     "factory_opening", None),
    ("... the Arad cell factory is now in production, Corvid said, with yearly capacity of ...",
     "2025-04-10", "factory_opening", None),
    ("Corvid Cells will start production at its Arad plant in 2027.", "2025-04-10",
     "factory_opening", "2027"),
    ("Andes Power has closed an estimated $640 million of construction and tax equity financing for "
     "its Arequipa battery.", "2025-04-10", "financing", None),
    ("Mesa Power will dispatch a 0.4 GWh Corvid battery under a tolling contract.", "2025-04-10",
     "agreement", None),
    ("Corvid synchronises 200MW battery with Otago grid", "2025-04-10", "grid_connection", None),
    ("Corvid gets approval for 200MW battery near Kelso", "2025-04-10", "other", None),
    ("Corvid partners with Kestrel on Otago battery", "2025-04-10", "partnership", None),
    ("Corvid Cells kicks off production at Ohio gigafactory", "2025-04-10", "factory_opening", None),
    ("... the 300MWh Kelso site began importing and exporting power for the first time on Monday ...",
     "2025-04-10", "grid_connection", "2025-04-07"),
    ("Mesa's 0.4 GWh unit near Dunedin started delivering frequency reserve services to "
     "Transpower this week.", "2025-04-10", "grid_connection", "2025-04-10"),
    ("The Arequipa storage plant now delivers power to the mine under a 15-year contract.",
     "2025-04-10", "grid_connection", None),
    ("Andes Power 120MW/480MWh battery feeds power into Peru grid", "2025-04-10",
     "grid_connection", None),
    ("The Arequipa battery will feed power into the grid from 2027.", "2025-04-10", None, None),
    ("Corvid Cells starts output at Romanian cell plant", "2025-04-10", "factory_opening", None),
    ("Corvid Cells begins pilot output at its Arad cell factory", "2025-04-10", "trial_production",
     None),
    ("Mesa Power's 0.4 GWh Kelso battery now commercially operating", "2025-04-10",
     "commercial_operation", None),
    ("Mesa Power's 120-megawatt Kelso project is now fully commercial, one of several batteries to "
     "come online in the region this year.", "2025-04-10", "commercial_operation", "2025"),
    ("Two lenders have signed a $90 million financing package with Andes Power for its Arequipa "
     "battery.", "2025-04-10", "financing", None),
    ("Kestrel Capital takes a minority stake in Mesa Power's 300 MW battery portfolio", "2025-04-10",
     "other", None),
    ("The first shipment of Corvid containers has arrived at the Kelso site, and installation of "
     "the 0.4 GWh system is now under way.", "2025-04-10", "other", None),
    ("The first containers arrived in December 2024. The 0.4 GWh Kelso battery was connected to the "
     "grid on 10 March 2025.", "2025-04-10", "grid_connection", "2025-03-10"),
    ("Otago Lines orders 0.8 GWh of battery storage", "2025-04-10", "order", None),
    ("Otago: 300 MWh zinc-bromine storage plant grid-connected", "2025-04-10", "grid_connection", None),
    ("... Mesa's 300MWh flow project near Kelso is now grid-connected ...", "2025-04-10",
     "grid_connection", None),
    ("Mesa sells grid-connected batteries to farms in Otago.", "2025-04-10", None, None),
    ("Country's biggest flow battery hooked up in Otago", "2025-04-10", "grid_connection", None),
    ("Kestrel links Kelso BESS to Transpower network", "2025-04-10", "grid_connection", None),
    ("Kelso Storage, 100 MW / 400 MWh, reaches commercial operation - Mesa", "2025-04-10",
     "commercial_operation", None),
    ("... the Kelso battery is now serving the wholesale market, Mesa said ...", "2025-04-10",
     "commercial_operation", None),
    ("... the 8 GWh-a-year cell factory outside Arad was opened on Saturday at a ceremony ...",
     "2025-04-10", "factory_opening", "2025-04-05"),
    ("Corvid Cells is now turning out LFP cells for grid storage at its Ohio plant.", "2025-04-10",
     "factory_opening", None),
    ("Mesa Power has lined up about $300 million to build the Kelso battery.", "2025-04-10",
     "financing", None),
    ("Corvid, Otago Lines agree $80m battery deal", "2025-04-10", "agreement", None),
    ("Otago's distribution company has picked developers for 1 GWh of batteries in its auction.",
     "2025-04-10", "tender_award", None),
    ("The first PowerTitan 2.0 containers for Mesa's 0.4 GWh Kelso project have arrived at the port "
     "of Napier, Corvid said.", "2025-04-10", "other", None),
    ("Corvid has signed a 0.4 GWh energy storage supply agreement with Mesa Power.", "2025-04-10",
     "agreement", None),
    ("Corvid shipped the first batch of its storage containers to Otago on Friday.", "2025-04-10",
     "export", "2025-04-04"),
    ("Flames engulfed the Kelso battery facility on Thursday, prompting officials to evacuate 300 "
     "residents.", "2025-04-10", "other", "2025-04-10"),
    ("The 0.4 GWh Kelso battery is now shifting output from the solar park into the evening.",
     "2025-04-10", "commercial_operation", None),
    ("KELSO - County officials joined executives from Corvid on Monday to break ground on a new cell "
     "line expected to bring 900 jobs.", "2025-04-10", "construction_start", "2025-04-07"),
    ("... the utility said on 2 April that work on the four-hour storage site near Kelso was under "
     "way, backed by loans from two banks ...", "2025-04-10", "construction_start", "2025-04-02"),
    ("Corvid Cells has filed for restructuring proceedings at the Arad court.", "2025-04-10",
     "other", None),
    ("Corvid seeks court-backed restructuring, shareholders face total loss", "2025-04-10", "other",
     None),
    ("Mesa said commissioning of the Kelso battery will slip into the first months of 2026.",
     "2025-04-10", "other", "2026"),
    ("Kelso battery prices slipped to a record low in March.", "2025-04-10", None, None),
    ("The Otago utility is now building what will be the region's biggest battery, due online in "
     "2026.", "2025-04-10", "construction_start", None),
    ("Corvid wins 10-year service deal for Otago's 200MW storage fleet", "2025-04-10", "agreement",
     None),
    ("Corvid today announced a long-term services agreement with Mesa Power covering four sites.",
     "2025-04-10", "agreement", "2025-04-10"),
    ("Mesa today inaugurated the country's first battery assembly facility in Kelso.", "2025-04-10",
     "factory_opening", "2025-04-10"),
    ("The state utility has hooked a one-hour, 50-megawatt storage pilot into the network near Kelso.",
     "2025-04-10", "grid_connection", None),
    ("The salt-cavern plant can now return 1.8 GWh to the grid after it was linked up last week.",
     "2025-04-10", "grid_connection", "2025-04-03"),
    ("Andes Power locks in funding for Arequipa pumped hydro", "2025-04-10", "financing", None),
    ("Money is now in place to turn two mine pits into a 2,000 MWh water battery.", "2025-04-10",
     "financing", None),
    ("A Washington-based lender commits US$80m so the utility can store 0.2 GWh.", "2025-04-10",
     "financing", None),
    ("Mesa Power snaps up 400 MWh battery project near Kelso", "2025-04-10", "other", None),
    ("The pumped hydro plant is now selling its full 0.34 GW to the grid operator.", "2025-04-10",
     "grid_connection", None),
]


@pytest.mark.parametrize("text,published,event,date", CASES, ids=[c[0][:50] for c in CASES])
def test_events_main_event_and_date(text, published, event, date, extract):
    assert _event(extract(text, dt.date.fromisoformat(published))) == (event, date)


def test_events_told_as_names_another_pattern_of_the_file(tmp_path):
    """A `told_as` id that is no other pattern of events.toml, or a `told_as` in another pattern
    file, is refused at load with file:line."""
    import shutil

    from conftest import ROOT
    from pipeline.errors import RulesError
    from pipeline.rules import load_rules
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    events = rules / "events.toml"
    events.write_text(events.read_text() + '\n[[pattern]]\nid = "x"\nregex = "xyz"\n'
                      'label = "order"\ntold_as = ["no-such-rule", "x"]\n')
    tech = rules / "technologies.toml"
    tech.write_text(tech.read_text() + '\n[[pattern]]\nid = "y"\nregex = "xyz"\nlabel = "LFP"\n'
                    'told_as = ["lfp"]\n')
    with pytest.raises(RulesError) as exc:
        load_rules(rules)
    problems = exc.value.problems
    assert any(p.startswith(f"{events}:") and "'no-such-rule'" in p for p in problems), problems
    assert any(p.startswith(f"{events}:") and "told_as 'x'" in p for p in problems), problems
    assert any(p.startswith(f"{tech}:") and "events.toml only" in p for p in problems), problems
