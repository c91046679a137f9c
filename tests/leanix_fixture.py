"""A SAP LeanIX Application fact-sheet export, written as LeanIX writes its table view.

Row 1 holds the field keys, row 2 their labels, data starts in row 3; lifecycle phases are
start dates; relations list the related fact sheets' display names separated by `;`.
Column keys and values follow SAP LeanIX's documented meta model (Application fact sheet:
lifecycle plan/phaseIn/active/phaseOut/endOfLife, businessCriticality, functionalSuitability,
technicalSuitability, relToRequires, relToSuccessor, relToParent, interface relations).
`python tests/leanix_fixture.py` rewrites tests/fixtures/import_leanix/leanix-applications.xlsx
(openpyxl writes its XML through lxml, which python-pptx brings: `<a/>`, not `<a />`).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl

PATH = Path(__file__).parent / "fixtures" / "import_leanix" / "leanix-applications.xlsx"
COLUMNS = [
    ("id", "ID"),
    ("type", "Type"),
    ("name", "Name"),
    ("displayName", "Display Name"),
    ("description", "Description"),
    ("lifecycle:plan", "Lifecycle: Plan"),
    ("lifecycle:phaseIn", "Lifecycle: Phase In"),
    ("lifecycle:active", "Lifecycle: Active"),
    ("lifecycle:phaseOut", "Lifecycle: Phase Out"),
    ("lifecycle:endOfLife", "Lifecycle: End Of Life"),
    ("businessCriticality", "Business Criticality"),
    ("functionalSuitability", "Functional Fit"),
    ("technicalSuitability", "Technical Fit"),
    ("relApplicationToUserGroup", "Organizations"),
    ("relApplicationToITComponent", "IT Components"),
    ("subscriptions:RESPONSIBLE:Application Owner", "Responsible: Application Owner"),
    ("relToRequires", "Requires"),
    ("relToSuccessor", "Successor"),
    ("relToParent", "Parent"),
    ("relProviderApplicationToInterface", "Provided Interfaces"),
    ("relConsumerApplicationToInterface", "Consumed Interfaces"),
]
D = dt.datetime
ROWS = [
    # id, type, name, displayName, description, plan, phaseIn, active, phaseOut, endOfLife,
    # criticality, functional fit, technical fit, organization, IT components, owner,
    # requires, successor, parent, provides, consumes
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f001", "Application", "Benefits Payments", "Benefits Payments",
     "Pays every benefit; nightly COBOL batch", None, None, D(2004, 4, 1), None, None,
     "missionCritical", "appropriate", "inappropriate", "Customer Services",
     "IBM z/OS 2.5; COBOL Enterprise 6.3; IBM Db2 12", "Alex Morgan",
     "Citizen Identity", None, None, "Payment Instructions", "Identity Assertions"],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f002", "Application", "Claims Portal", "Claims Portal",
     "Online claims for citizens", None, None, D(2016, 9, 1), None, None,
     "businessCritical", "insufficient", "adequate", "Customer Services",
     "Java 8; Apache Tomcat 8.5", "Sam Patel",
     "Benefits Payments; Citizen Identity", None, None, None,
     "Identity Assertions; Payment Instructions"],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f003", "Application", "Citizen Identity", "Citizen Identity",
     "Identity verification and sign-in", None, None, D(2019, 1, 1), None, None,
     "missionCritical", "perfect", "fullyAppropriate", "Shared IT",
     "Keycloak 21; PostgreSQL 14", "Jo Evans", None, None, None, "Identity Assertions", None],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f004", "Application", "Case Management", "Case Management",
     "Caseworker desktop for disputed claims", None, None, D(2011, 5, 1), D(2026, 7, 1),
     D(2029, 6, 30), "businessCritical", "insufficient", "unreasonable", "Customer Services",
     "Oracle Forms 11g; Oracle Database 12c", "Sam Patel",
     "Benefits Payments", "Casework Cloud", None, None, "Identity Assertions"],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f005", "Application", "Casework Cloud", "Casework Cloud",
     "Replacement casework SaaS, being rolled out", D(2025, 10, 1), D(2026, 11, 1), D(2027, 9, 1),
     None, None, "businessCritical", "appropriate", "fullyAppropriate", "Customer Services",
     "Salesforce Service Cloud", "Sam Patel", "Citizen Identity", None, None, None,
     "Identity Assertions"],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f006", "Application", "Payroll", "Payroll",
     "Staff payroll", None, None, D(2009, 4, 1), None, None, "businessCritical", "appropriate",
     "adequate", "HR", "SAP ECC 6.0; SAP HANA", "Priya Shah", None, None, None, None, None],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f007", "Application", "Payroll Reports", "Payroll Reports",
     "Reporting module of Payroll", None, None, D(2012, 4, 1), None, None,
     "administrativeService", "appropriate", "adequate", "HR", "SAP BusinessObjects 4.2",
     "Priya Shah", "Payroll", None, "Payroll", None, None],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f008", "Application", "Expenses", "Expenses",
     "Staff expense claims", None, None, D(2013, 2, 1), None, None, "businessOperational",
     "insufficient", "inappropriate", "Finance", "PHP 5.6; MySQL 5.5", "Lee Wong",
     "Payroll; Citizen Identity", None, None, None, None],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f009", "Application", "General Ledger", "General Ledger",
     "Financial accounting", None, None, D(2008, 1, 1), None, None, "missionCritical",
     "appropriate", "adequate", "Finance", "Oracle E-Business Suite 12.1", "Lee Wong",
     None, None, None, "Journal Feed", None],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f010", "Application", "Fax Gateway", "Fax Gateway",
     "Inbound fax to case documents", None, None, D(2003, 6, 1), D(2022, 1, 1), D(2024, 12, 31),
     "administrativeService", "unreasonable", "inappropriate", "Shared IT", "Windows Server 2008",
     "Jo Evans", None, None, None, None, None],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f011", "Application", "Data Warehouse", "Data Warehouse",
     "Management information and statistics", None, None, D(2014, 3, 1), None, None,
     "businessOperational", "appropriate", "unreasonable", "Shared IT",
     "Teradata 16; Informatica PowerCenter 10", "Jo Evans", None, None, None, None,
     "Journal Feed; Payment Instructions"],
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f012", "Application", "Chatbot Pilot", "Chatbot Pilot",
     "Assistant for claim questions, in trial", D(2026, 2, 1), None, None, None, None,
     "administrativeService", None, None, "Customer Services", "Azure OpenAI",
     "Sam Patel", None, None, None, None, None],
    # Not an application: the importer reads Application fact sheets only.
    ["28fe4aa2-6e46-41a1-a131-47a4b9a1f013", "ITComponent", "IBM z/OS 2.5", "IBM z/OS 2.5",
     "Mainframe operating system", None, None, D(2021, 9, 1), D(2027, 9, 30), None, None, None,
     None, None, None, None, None, None, None, None, None],
]  # fmt: skip


def build(path: Path = PATH) -> Path:
    """Write the workbook (deterministic bytes: fixed document times and zip entry times)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Application"
    sheet.append([key for key, _ in COLUMNS])
    sheet.append([label for _, label in COLUMNS])
    for row in ROWS:
        sheet.append(row)
    readme = book.create_sheet("ReadMe")
    readme.append(["Export of the Application inventory view (table view), 2 header rows."])
    fixed = dt.datetime(2026, 1, 5, 9, 0, 0)
    book.properties.created = book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 5, 9, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"<dcterms:modified[^<]*</dcterms:modified>", b"", data)
            target.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


if __name__ == "__main__":
    print(build())
