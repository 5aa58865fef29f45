"""SW3 status codes of the SAM protocol (GA 467), with Chinese and English texts."""

from __future__ import annotations

from enum import IntEnum


class Sw3(IntEnum):
    """Status byte of every reader answer."""

    SUCCESS = 0x90
    FIND_CARD_SUCCESS = 0x9F
    CHECKSUM_ERROR = 0x10
    LENGTH_ERROR = 0x11
    COMMAND_ERROR = 0x21
    UNAUTHORIZED = 0x23
    UNRECOGNISED_ERROR = 0x24
    CARD_AUTH_SAM_FAILED = 0x31
    SAM_AUTH_CARD_FAILED = 0x32
    INFO_VERIFY_ERROR = 0x33
    UNKNOWN_CARD_TYPE = 0x40
    READ_CARD_FAILED = 0x41
    GET_RANDOM_FAILED = 0x47
    SAM_SELFTEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66
    FIND_CARD_FAILED = 0x80
    SELECT_CARD_FAILED = 0x81
    NO_CONTENT = 0x91

    @classmethod
    def lookup(cls, value: int) -> Sw3 | None:
        """The member for ``value``, or None for a code the protocol does not define."""
        try:
            return cls(value)
        except ValueError:
            return None

    @property
    def message_zh(self) -> str:
        """Chinese text for staff screens and the technician CLI."""
        return _TEXTS[self][0]

    @property
    def message_en(self) -> str:
        """English text for logs and the technician CLI."""
        return _TEXTS[self][1]


_TEXTS: dict[Sw3, tuple[str, str]] = {
    Sw3.SUCCESS: ("操作成功", "success"),
    Sw3.FIND_CARD_SUCCESS: ("寻找证/卡成功", "card found"),
    Sw3.CHECKSUM_ERROR: ("接收业务终端数据的校验和错", "checksum error in received data"),
    Sw3.LENGTH_ERROR: ("接收业务终端数据的长度错", "length error in received data"),
    Sw3.COMMAND_ERROR: ("接收业务终端的命令错误", "command error"),
    Sw3.UNAUTHORIZED: ("越权操作", "unauthorized operation"),
    Sw3.UNRECOGNISED_ERROR: ("无法识别的错误", "unrecognised error"),
    Sw3.CARD_AUTH_SAM_FAILED: ("证/卡认证机具失败", "card failed to authenticate the SAM"),
    Sw3.SAM_AUTH_CARD_FAILED: ("机具认证证/卡失败", "SAM failed to authenticate the card"),
    Sw3.INFO_VERIFY_ERROR: ("信息验证错误", "information verification error"),
    Sw3.UNKNOWN_CARD_TYPE: ("无法识别的卡类型", "unknown card type"),
    Sw3.READ_CARD_FAILED: ("读证/卡操作失败", "read card failed"),
    Sw3.GET_RANDOM_FAILED: ("取随机数失败", "get random number failed"),
    Sw3.SAM_SELFTEST_FAILED: ("SAM 自检失败，不能接收命令", "SAM self-test failed"),
    Sw3.SAM_NOT_AUTHORISED: ("SAM 没经过授权，无法使用", "SAM not authorised"),
    Sw3.FIND_CARD_FAILED: ("寻找证/卡失败", "find card failed (no card)"),
    Sw3.SELECT_CARD_FAILED: ("选取证/卡失败", "select card failed"),
    Sw3.NO_CONTENT: ("证/卡中此项无内容", "no such content on the card"),
}
